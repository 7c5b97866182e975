"""The post's console with records kept on the phone, when the server refuses their
upload as a whole. A session that ended (401 请先登录) says so and the records go up
once staff have signed in again and are back at the console. A refusal (403: an
account bound to no area, a role without the console, a CSRF token the page cannot
renew) is shown in the server's words; the records stay on the phone, and are not sent
again and again from this page — the same request would be refused the same way — but
go up at the next visit once the account is put right."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in

from ..models import CheckIn
from .factories import make_checkpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUEUE = (
    "JSON.parse(localStorage.getItem('shouwang.offline.checkins.' +"
    " document.querySelector('script[data-user]').dataset.user) || '[]')"
)
API = "/api/v1/checkpoints/checkins"


@pytest.fixture
def gate(world, phone):
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    return gate


def _vehicle_offline(phone) -> None:
    phone.context.set_offline(True)
    phone.click("summary:has-text('车辆登记')")
    phone.fill("#vehicle_plate", "豫A12345")
    phone.click("form[data-kind=vehicle] button")
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")


def _uploads(phone) -> list[str]:
    sent: list[str] = []
    phone.on("request", lambda r: sent.append(r.url) if r.url.endswith(API) else None)
    return sent


def test_an_account_refused_is_told_why_and_not_sent_again(phone, world, gate) -> None:
    _vehicle_offline(phone)
    world.guard_a.area = None  # HQ unbinds the account meanwhile
    world.guard_a.save(update_fields=["area"])
    sent = _uploads(phone)

    phone.context.set_offline(False)
    box = phone.locator("#offline")
    box.filter(has_text="账号尚未绑定辖区").wait_for()
    assert "登录" not in box.inner_text(), "not a sign-in problem"
    assert "1 条记录仍保存在本机，未上传" in box.inner_text()
    assert len(phone.evaluate(QUEUE)) == 1
    assert len(sent) == 1

    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_timeout(2500)
    assert len(sent) == 1, "a refusal is not sent again on this page"
    assert not CheckIn.objects.exists()

    world.guard_a.area = world.community_a  # put right: the next visit uploads
    world.guard_a.save(update_fields=["area"])
    phone.reload()
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    assert CheckIn.objects.get().plate == "豫A12345"


def test_an_ended_session_says_so_and_uploads_once_signed_in_again(phone, world, gate) -> None:
    _vehicle_offline(phone)
    phone.context.clear_cookies(name="sessionid")

    phone.context.set_offline(False)
    box = phone.locator("#offline")
    box.filter(has_text="登录已失效").wait_for()
    assert len(phone.evaluate(QUEUE)) == 1

    log_in(phone, "guard_a", PASSWORD)  # the list's refresh also leads to the login page
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    assert CheckIn.objects.get().plate == "豫A12345"
    assert phone.evaluate(QUEUE) == []
