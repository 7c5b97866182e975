"""The console's choices (方向 进/出, 劝返对象 人员/车辆) on a duty phone in Debian's
Chromium at 360×740: staff at a gate, often gloved, pick them with a thumb, so each is
a target as tall as a finger (44 px) and the two sit side by side — not the bare radio
and its word, 21 px high, one under the other."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in

from .test_phone_browser import fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_choice_is_a_thumb_sized_target(phone, gate) -> None:
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    for panel in ("车辆登记", "访客登记", "劝返"):
        phone.click(f"details.panel > summary:text-is('{panel}')")
    fits(phone)
    choices = phone.locator("details.panel label:has(> input[type=radio])")
    assert choices.count() == 10  # 进/出 in four forms, 人员/车辆 in 劝返
    boxes = [choices.nth(i).bounding_box() for i in range(choices.count())]
    assert all(box["height"] >= 44 for box in boxes), [box["height"] for box in boxes]
    for first, second in zip(boxes[::2], boxes[1::2], strict=True):
        assert first["y"] == second["y"], "the pair sits side by side"

    phone.click("#turn_back_subject label:has-text('车辆')")
    assert phone.is_checked("#turn_back_subject input[value=v]")
