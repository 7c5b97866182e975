"""One phone, several staff in turn (a post's shifts share it). The offline queue is each
user's own: records kept under one account are uploaded only by that account, under its
own session, never by whoever signs in next; meanwhile they stay on the phone and the
next user's console counts them (N 条待上传记录属于其他账号)."""

from __future__ import annotations

import pytest

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import PASSWORD, UserFactory
from shouwang.core.tests.browser import log_in

from ..models import CheckIn
from .factories import make_checkpoint
from .test_console_offline_refusal_browser import QUEUE, _uploads, _vehicle_offline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ALL_KEYS = (
    "Object.keys(localStorage).filter(k => k.startsWith('shouwang.offline.checkins'))"
    ".map(k => [k, JSON.parse(localStorage.getItem(k)).length])"
)


def _switch(phone, username: str, gate) -> None:
    phone.goto("/")  # off the console, whose refresh would go to the login page meanwhile
    phone.context.clear_cookies()  # the first user's shift ends; the next one signs in
    log_in(phone, username, PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")


def test_records_kept_by_one_user_are_uploaded_only_by_that_user(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    other = UserFactory(username="guard_a2", role=Role.CHECKPOINT_STAFF, area=world.community_a)
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    _vehicle_offline(phone)  # 豫A12345, kept under guard_a
    phone.context.clear_cookies(name="sessionid")  # the shift ends before the network is back
    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('登录已失效')")  # this page's try: 401

    sent = _uploads(phone)
    _switch(phone, "guard_a2", gate)
    box = phone.locator("#offline")
    box.filter(has_text="另有 1 条待上传记录属于其他账号").wait_for()
    phone.wait_for_timeout(2500)
    assert sent == [], "another user's records are not sent under this session"
    assert not CheckIn.objects.exists()
    assert phone.evaluate(QUEUE) == []
    assert phone.evaluate(ALL_KEYS) == [[f"shouwang.offline.checkins.{world.guard_a.pk}", 1]]

    # The second user's own record goes up under their name; the first one's stays.
    phone.context.set_offline(True)
    phone.click("summary:has-text('车辆登记')")
    phone.fill("#vehicle_plate", "豫A67890")
    phone.click("form[data-kind=vehicle] button")
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    box.filter(has_text="已上传 1 条").wait_for()
    assert "另有 1 条待上传记录属于其他账号" in box.inner_text()
    row = CheckIn.objects.get()
    assert (row.plate, row.recorded_by) == ("豫A67890", other)

    _switch(phone, "guard_a", gate)  # the first user back: their record goes up
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    assert "其他账号" not in box.inner_text()
    mine = CheckIn.objects.get(plate="豫A12345")
    assert mine.recorded_by == world.guard_a
    assert phone.evaluate(QUEUE) == []


def test_a_queue_kept_before_queues_were_per_user_is_taken_by_the_console(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    phone.evaluate(
        """(pk) => localStorage.setItem('shouwang.offline.checkins', JSON.stringify([{
             client_id: crypto.randomUUID(), checkpoint: pk, at: new Date().toISOString(),
             direction: 'in', kind: 'vehicle', plate: '豫A24680', occupants: 1}]))""",
        gate.pk,
    )
    phone.reload()
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    assert CheckIn.objects.get().plate == "豫A24680"
    assert phone.evaluate("localStorage.getItem('shouwang.offline.checkins')") is None
