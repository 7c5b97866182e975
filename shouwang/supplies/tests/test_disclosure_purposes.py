"""The public disclosure xlsx carries what its page shows: below the gifts and their
totals, the cash spent on each purpose (资金支出（按用途）), which adds up to the
total spent."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.supplies.models import Purpose

pytestmark = pytest.mark.django_db


def _spend(client, purpose: Purpose, amount: str, n: int) -> None:
    response = client.post(
        reverse("supplies:spending_create"),
        {"purpose": purpose.pk, "amount": amount, "description": "支出", "client_id": f"s{n}"},
    )
    assert response.status_code == 302


def test_the_disclosure_export_lists_spending_by_purpose(world, cash_gift, purpose) -> None:
    cash_gift("李顺喜", "1000")
    care = Purpose.objects.get_or_create(name="慰问一线人员")[0]
    client = world.client("hq")
    _spend(client, purpose, "300", 1)
    _spend(client, care, "200", 2)
    _spend(client, purpose, "50", 3)

    response = world.client("anonymous").get(reverse("supplies:disclosure_export"))

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "合计")
    assert total[7] == 550
    start = rows.index(next(r for r in rows if r[0] == "资金支出（按用途）"))
    assert rows[start][:2] == ("资金支出（按用途）", "金额（元）")
    assert {r[0]: r[1] for r in rows[start + 1 :]} == {"慰问一线人员": 200, "购买防疫物资": 350}


def test_without_spending_the_export_ends_with_its_totals(world, cash_gift) -> None:
    cash_gift("李顺喜", "1000")
    response = world.client("anonymous").get(reverse("supplies:disclosure_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[-1][0] == "合计"
