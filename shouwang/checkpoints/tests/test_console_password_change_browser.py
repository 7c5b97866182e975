"""A console whose user must change their password (an administrator's temporary
password, or one past PASSWORD_MAX_AGE_DAYS) while records wait on the phone: the
upload's 403 (password_change_required) is not retried, the records stay, a banner says
why with a link to change the password, and once it is changed the console is opened
again and the records go up."""

from __future__ import annotations

import pytest

from shouwang.accounts.models import User
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in

from ..models import CheckIn
from .factories import make_checkpoint
from .test_console_offline_refusal_browser import API, QUEUE, _uploads, _vehicle_offline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW = "Qing-shan-2020"


@pytest.fixture
def gate(world, phone):
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    return gate


def test_a_temporary_password_holds_the_queue_until_it_is_changed(phone, world, gate) -> None:
    _vehicle_offline(phone)
    # HQ resets the password meanwhile (the reset's own sign-out aside: a password past
    # its age is the same case).
    User.objects.filter(pk=world.guard_a.pk).update(password_temporary=True)
    sent = _uploads(phone)

    phone.context.set_offline(False)
    box = phone.locator("#offline")
    box.filter(has_text="临时密码").wait_for()
    assert "1 条记录仍保存在本机，修改密码后自动上传" in box.inner_text()
    assert "上传被拒绝" not in box.inner_text()
    assert len(phone.evaluate(QUEUE)) == 1
    assert len(sent) == 1

    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_timeout(2500)
    assert len(sent) == 1, "not sent again and again"

    # A form sent meanwhile is kept too, not replaced by the change page.
    phone.fill("#vehicle_plate", "豫A67890")
    phone.click("form[data-kind=vehicle] button")
    box.filter(has_text="2 条记录仍保存在本机").wait_for()
    assert phone.url.endswith(f"/checkpoints/console/{gate.pk}/")
    assert len(phone.evaluate(QUEUE)) == 2
    assert not CheckIn.objects.exists()

    box.get_by_role("link", name="去修改密码").click()
    phone.wait_for_url("**/accounts/password/**")
    phone.fill("#id_old_password", PASSWORD)
    phone.fill("#id_new_password1", NEW)
    phone.fill("#id_new_password2", NEW)
    phone.click("button.primary")
    phone.wait_for_url(f"**/checkpoints/console/{gate.pk}/")
    phone.wait_for_selector("#offline:has-text('已上传 2 条')")
    assert sorted(CheckIn.objects.values_list("plate", flat=True)) == ["豫A12345", "豫A67890"]
    assert phone.evaluate(QUEUE) == []
    assert API in sent[-1]


def test_with_nothing_kept_the_list_s_refresh_says_so(phone, world, gate) -> None:
    User.objects.filter(pk=world.guard_a.pk).update(password_temporary=True)
    box = phone.locator("#offline")
    box.filter(has_text="修改密码后才能继续登记").wait_for(timeout=8000)  # the 5-s refresh
    assert box.get_by_role("link", name="去修改密码").get_attribute("href") == (
        f"/accounts/password/?next=/checkpoints/console/{gate.pk}/"
    )
