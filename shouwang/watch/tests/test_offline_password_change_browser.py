"""今日随访 when the worker must change their password (an administrator's temporary
password, or one past PASSWORD_MAX_AGE_DAYS): the upload's 403 (password_change_required)
is not retried, the taps stay queued — a tap answered so is queued too — and a banner
says why with a link to change the password; once changed, the page is opened again and
the taps go up. Another worker's taps on the same phone are theirs: only counted."""

from __future__ import annotations

import pytest

from shouwang.accounts.models import User
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.watch.models import FollowUp, WatchPolicy
from shouwang.watch.tests import factories as f

from .test_offline_refusal_browser import QUEUE, _tap_offline, _uploads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW = "Qing-shan-2020"


@pytest.fixture
def records(world):
    WatchPolicy.objects.create(community=world.community_a, slots="全天 00:00-23:59")
    return f.key_person(world.building_a, "赵一"), f.key_person(world.building_a, "钱二")


def test_taps_wait_for_the_password_change_then_go_up(phone, world, records) -> None:
    first, second = records
    worker = world.grid_worker_a
    log_in(phone, "grid_a", PASSWORD)
    _tap_offline(phone, first)
    User.objects.filter(pk=worker.pk).update(password_temporary=True)
    sent = _uploads(phone)

    phone.context.set_offline(False)
    box = phone.locator("#offline")
    box.filter(has_text="临时密码").wait_for()
    assert "1 条随访记录仍保存在本机，修改密码后自动上传" in box.inner_text()
    assert len(sent) == 1
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_timeout(2500)
    assert len(sent) == 1, "not sent again and again"

    # A tap answered "change the password first" is kept, not lost.
    phone.locator(f"#kp-{second.pk}").get_by_role("button", name="电话·正常").click()
    box.filter(has_text="2 条随访记录仍保存在本机").wait_for()
    assert len(phone.evaluate(QUEUE.format(pk=worker.pk))) == 2
    assert not FollowUp.objects.exists()

    box.get_by_role("link", name="去修改密码").click()
    phone.wait_for_url("**/accounts/password/?next=/watch/today/")
    phone.fill("#id_old_password", PASSWORD)
    phone.fill("#id_new_password1", NEW)
    phone.fill("#id_new_password2", NEW)
    phone.click("button.primary")
    phone.wait_for_url("**/watch/today/")
    phone.wait_for_selector("#offline:has-text('已上传 2 条')")
    assert FollowUp.objects.filter(key_person__in=records).count() == 2
    assert phone.evaluate(QUEUE.format(pk=worker.pk)) == []


def test_another_worker_s_taps_on_this_phone_are_only_counted(phone, world, records) -> None:
    first, _ = records
    log_in(phone, "grid_a", PASSWORD)
    _tap_offline(phone, first)
    phone.context.clear_cookies(name="sessionid")
    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('登录已失效')")

    phone.goto("/")
    phone.context.clear_cookies()
    log_in(phone, "staff_a", PASSWORD)  # the community's staff, on the same phone
    sent = _uploads(phone)
    phone.goto("/watch/today/")
    box = phone.locator("#offline")
    box.filter(has_text="另有 1 条待上传记录属于其他账号").wait_for()
    phone.wait_for_timeout(2500)
    assert sent == []
    assert not FollowUp.objects.exists()
    assert len(phone.evaluate(QUEUE.format(pk=world.grid_worker_a.pk))) == 1
