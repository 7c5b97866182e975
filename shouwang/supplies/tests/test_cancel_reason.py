"""取消承诺 refused for its reason says what is wrong with it: a reason too long is
not "请填写取消原因" (it was filled in), and the pledge stays pledged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.supplies.models import Donation

pytestmark = pytest.mark.django_db


def _cancel(world, cash_gift, reason: str):
    pledge = cash_gift("赵六", "800", received=False)
    url = reverse("supplies:donation_cancel", args=[pledge.pk])
    return pledge, world.client("hq").post(url, {"reason": reason}, follow=True)


def test_a_reason_too_long_is_named_as_such(world, cash_gift) -> None:
    pledge, response = _cancel(world, cash_gift, "改" * 201)
    html = response.content.decode()
    assert "取消原因最多 200 个字（现有 201 个）" in html
    assert "请填写取消原因" not in html
    pledge.refresh_from_db()
    assert pledge.status == Donation.Status.PLEDGED


def test_a_blank_reason_asks_for_one(world, cash_gift) -> None:
    pledge, response = _cancel(world, cash_gift, "  ")
    assert "请填写取消原因" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Donation.Status.PLEDGED
