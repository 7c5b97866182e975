"""Spending is drawn from money that had arrived by the day it was spent: a spending
dated last week cannot be paid from a gift received today."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.supplies.models import Spending, SpendingShare

pytestmark = pytest.mark.django_db


def test_a_backdated_spending_draws_only_on_gifts_received_by_then(
    world, cash_gift, purpose
) -> None:
    early = cash_gift("李顺喜", "100", days_ago=10)
    cash_gift("张三", "500", days_ago=0)
    spent_on = (timezone.localdate() - timedelta(days=5)).isoformat()
    client = world.client("hq")
    url = reverse("supplies:spending_create")

    refused = client.post(
        url,
        {
            "purpose": purpose.pk,
            "amount": "300",
            "description": "口罩",
            "spent_on": spent_on,
            "client_id": "a",
        },
    )

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "余额为100.00元" in page
    assert spent_on in page
    assert not Spending.objects.exists()
    ok = client.post(
        url,
        {
            "purpose": purpose.pk,
            "amount": "80",
            "description": "口罩",
            "spent_on": spent_on,
            "client_id": "b",
        },
    )
    assert ok.status_code == 302
    (share,) = SpendingShare.objects.all()
    assert (share.donation, share.amount) == (early, Decimal("80.00"))
