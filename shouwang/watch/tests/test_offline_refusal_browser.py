"""今日随访's offline queue told apart what the server says when an upload is refused as
a whole. A session that ended (401 请先登录) is a sign-in away: the taps stay queued
and go up by themselves once the worker has signed in again — in another tab too,
which gives the browser a new CSRF token. A refusal (403: an account bound to no area,
a role without follow-ups, a CSRF token the page cannot renew) is shown in the server's
words; the taps stay on the phone — they are the worker's records, and the account put
right they upload at the next visit of the page — but are not sent again and again
meanwhile: the same request would be refused the same way."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.watch.models import FollowUp, WatchPolicy
from shouwang.watch.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUEUE = "JSON.parse(localStorage.getItem('shouwang.offline.followups.' + {pk}) || '[]')"
API = "/api/v1/watch/followups"


@pytest.fixture
def record(world):
    WatchPolicy.objects.create(community=world.community_a, slots="全天 00:00-23:59")
    return f.key_person(world.building_a, "赵一")


def _tap_offline(phone, record) -> None:
    phone.goto("/watch/today/")
    phone.context.set_offline(True)
    phone.locator(f"#kp-{record.pk}").get_by_role("button", name="电话·正常").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")


def _uploads(phone) -> list[str]:
    sent: list[str] = []
    phone.on("request", lambda r: sent.append(r.url) if r.url.endswith(API) else None)
    return sent


def test_an_account_refused_is_told_why_and_not_sent_again(phone, world, record) -> None:
    log_in(phone, "grid_a", PASSWORD)
    _tap_offline(phone, record)
    world.grid_worker_a.area = None  # HQ unbinds the account meanwhile
    world.grid_worker_a.save(update_fields=["area"])
    sent = _uploads(phone)

    phone.context.set_offline(False)
    box = phone.locator("#offline")
    box.filter(has_text="账号尚未绑定辖区").wait_for()
    assert "登录" not in box.inner_text(), "not a sign-in problem"
    assert "1 条随访记录仍保存在本机，未上传" in box.inner_text()
    assert len(phone.evaluate(QUEUE.format(pk=world.grid_worker_a.pk))) == 1
    assert len(sent) == 1

    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_timeout(2500)  # past the 2-s retry after a failed send
    assert len(sent) == 1, "a refusal is not sent again on this page"
    assert "账号尚未绑定辖区" in box.inner_text()
    assert not FollowUp.objects.exists()

    world.grid_worker_a.area = world.community_a  # put right: the next visit uploads
    world.grid_worker_a.save(update_fields=["area"])
    phone.reload()
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    assert FollowUp.objects.filter(key_person=record).count() == 1


def test_an_ended_session_uploads_once_signed_in_again_elsewhere(phone, world, record) -> None:
    log_in(phone, "grid_a", PASSWORD)
    _tap_offline(phone, record)
    phone.context.clear_cookies(name="sessionid")  # signed out (idle, or elsewhere)

    phone.context.set_offline(False)
    box = phone.locator("#offline")
    box.filter(has_text="登录已失效").wait_for()
    assert len(phone.evaluate(QUEUE.format(pk=world.grid_worker_a.pk))) == 1
    assert not FollowUp.objects.exists()

    other = phone.context.new_page()  # signs in in another tab: a new CSRF token
    log_in(other, "grid_a", PASSWORD)
    other.close()
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    box.filter(has_text="已上传 1 条").wait_for()
    assert FollowUp.objects.filter(key_person=record).count() == 1
    assert phone.evaluate(QUEUE.format(pk=world.grid_worker_a.pk)) == []
