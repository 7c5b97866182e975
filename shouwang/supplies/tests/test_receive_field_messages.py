"""确认到账 of a cash pledge: an invalid payment channel and a too-long payment
reference each say their own problem, never one message naming both."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHANNEL = "请选择有效的支付方式"
REFERENCE = "收款凭证号/流水号最多64个字符"


def _receive(world, gift, **data):
    response = world.client("hq").post(reverse("supplies:donation_receive", args=[gift.pk]), data)
    assert response.status_code == 400
    gift.refresh_from_db()
    assert gift.status == "pledged"
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_invalid_channel_says_only_the_channel(world, cash_gift) -> None:
    gift = cash_gift("李顺喜", "500", received=False)
    said = _receive(world, gift, channel="bitcoin", reference="TX001")
    assert said == [f"{CHANNEL}，未做任何修改"]


def test_a_too_long_reference_says_only_the_reference(world, cash_gift) -> None:
    gift = cash_gift("李顺喜", "500", received=False)
    said = _receive(world, gift, channel="bank", reference="X" * 65)
    assert said == [f"{REFERENCE}（现有65个），未做任何修改"]


def test_both_wrong_say_each_their_own(world, cash_gift) -> None:
    gift = cash_gift("李顺喜", "500", received=False)
    said = _receive(world, gift, channel="bitcoin", reference="X" * 65)
    assert said == [f"{CHANNEL}，未做任何修改", f"{REFERENCE}（现有65个），未做任何修改"]
