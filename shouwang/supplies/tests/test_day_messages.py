"""A refused day says which day was typed and which is today, without room for doubt:
"不能晚于今天（2099-01-01）" read as if today were 2099-01-01, and a mistyped year
0202 was echoed as "202-01-01"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.supplies.models import Spending

pytestmark = pytest.mark.django_db


def _spend(world, purpose, spent_on: str):
    return world.client("hq").post(
        reverse("supplies:spending_create"),
        {
            "purpose": purpose.pk,
            "amount": "10",
            "description": "采购口罩",
            "spent_on": spent_on,
            "client_id": f"s-{spent_on}",
        },
    )


def test_a_future_day_is_named_beside_today(world, cash_gift, purpose) -> None:
    cash_gift("李顺喜", "100")
    response = _spend(world, purpose, "2099-01-01")
    assert response.status_code == 400
    today = timezone.localdate().isoformat()
    assert f"支出日期不能晚于今天：填写的是2099-01-01，今天是{today}，请核对" in (
        response.content.decode()
    )
    assert not Spending.objects.exists()


def test_a_mistyped_year_is_echoed_as_typed(world, cash_gift, purpose) -> None:
    cash_gift("李顺喜", "100")
    response = _spend(world, purpose, "0202-02-01")
    assert response.status_code == 400
    assert "支出日期“0202-02-01”早于2000年，请核对年份" in response.content.decode()
    assert not Spending.objects.exists()
