"""The registration form's choices (身份 居民/访客, 本次 进/出) on a resident's phone in
Debian's Chromium at 360×740: each a target as tall as a finger (44 px), the two side
by side — not the bare radio and its word, 24 px high, one under the other."""

from __future__ import annotations

import pytest

from .factories import make_checkpoint
from .test_phone_browser import fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_choice_is_a_thumb_sized_target(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    phone.goto(f"/c/{gate.code}/register/")
    fits(phone)
    choices = phone.locator(".radios label:has(> input[type=radio])")
    assert choices.count() == 4
    boxes = [choices.nth(i).bounding_box() for i in range(4)]
    assert all(box["height"] >= 44 for box in boxes), [box["height"] for box in boxes]
    for first, second in zip(boxes[::2], boxes[1::2], strict=True):
        assert first["y"] == second["y"], "the pair sits side by side"

    phone.click(".radios label:has-text('访客')")
    assert phone.is_checked("input[name=kind][value=visitor]")
    assert phone.locator("#id_visiting").is_visible()
