"""A post whose phone knows it is offline, in Debian's Chromium at 360×740: the last
verdict on screen is the previous person's. A record kept on the phone for upload must
take it off, as a record sent does — staff would read the previous person's 绿 (or 红)
as this one's."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in

from .. import tokens
from .factories import make_pass, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_record_kept_offline_takes_the_last_verdict_off_the_screen(phone, world, gate) -> None:
    held = make_pass(make_person(world.building_a, "王小明"))
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    phone.fill("#scan_token", tokens.phone_token(held.code))
    phone.click("#scan-form button.primary")
    phone.wait_for_selector("#verdict:has-text('王小明')")

    phone.context.set_offline(True)
    phone.click("summary:has-text('车辆登记')")
    phone.fill("#vehicle_plate", "豫A12345")
    phone.fill("#vehicle_occupants", "3")
    phone.click("form[data-kind=vehicle] button")
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert phone.locator("#verdict").count() == 0
    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
