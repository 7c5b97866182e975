"""Recording and receiving donations through the pages: a payment reference used by
another gift, a pledge received later with its channel, goods worth more than the
books can hold, dates in the future."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.supplies.models import Donation, Movement

from .factories import item, location

pytestmark = pytest.mark.django_db

NO_LINES = {"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}


def cash_form(**overrides) -> dict:
    return {
        "donor_kind": "person",
        "donor_name": "李顺喜",
        "disclosure": "named",
        "kind": "cash",
        "amount": "5000",
        "channel": "bank",
        "reference": "6222-0001",
        "received": "on",
        **NO_LINES,
        **overrides,
    }


def test_goods_worth_more_than_the_books_hold_are_refused_with_a_message(world) -> None:
    store = location(world.subdistrict, "仓库")
    masks, suits = item("医用口罩"), item("防护服")
    response = world.client("hq").post(
        reverse("supplies:donation_create"),
        {
            "donor_kind": "organisation",
            "donor_name": "河南宝山高科有限责任公司",
            "disclosure": "named",
            "kind": "goods",
            "location": store.pk,
            "received": "on",
            "client_id": "g",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-0-item": masks.pk,
            "lines-0-quantity": "1",
            "lines-0-estimated_value": "999999999999.99",
            "lines-1-item": suits.pk,
            "lines-1-quantity": "1",
            "lines-1-estimated_value": "999999999999.99",
        },
    )
    assert response.status_code == 400
    assert "估值合计过大" in response.content.decode()
    assert not Donation.objects.exists()
    assert not Movement.objects.exists()
