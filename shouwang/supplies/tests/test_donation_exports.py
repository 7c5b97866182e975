"""The donation ledger and the public disclosure export their dates as Excel date
cells (a day, formatted yyyy-mm-dd, in Shanghai time), never as text or a datetime."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.supplies import actions, figures
from shouwang.supplies.models import Purpose

pytestmark = pytest.mark.django_db

# 01:30 in Shanghai on the 21st: the UTC day is still the 20th.
RECEIVED_AT = datetime(2026, 11, 20, 17, 30, tzinfo=UTC)


@pytest.fixture
def gift(world):
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="person",
        donor_name="李顺喜",
        kind="cash",
        amount=Decimal("5000"),
        channel="bank",
        pledged_on=date(2026, 11, 18),
        by=world.hq,
    )
    actions.receive_donation(donation=gift, at=RECEIVED_AT, by=world.hq)
    return gift


def cells(response, header: str):
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    column = next(c.column for c in sheet[1] if c.value == header)
    return sheet.cell(row=2, column=column)


def assert_date_cell(cell, day: date) -> None:
    assert cell.is_date
    assert cell.number_format == "yyyy-mm-dd"
    assert cell.value == datetime(day.year, day.month, day.day)


def test_the_ledger_writes_its_dates_as_date_cells(world, gift) -> None:
    response = world.client("hq").get(reverse("supplies:donations_export"))
    assert_date_cell(cells(response, "登记日期"), date(2026, 11, 18))
    assert_date_cell(cells(response, "到账日期"), date(2026, 11, 21))


def test_the_ledger_leaves_the_date_of_a_pledge_not_yet_received_empty(world) -> None:
    actions.record_donation(
        area=world.subdistrict,
        donor_kind="person",
        donor_name="李顺喜",
        kind="cash",
        amount=Decimal("100"),
        by=world.hq,
    )
    response = world.client("hq").get(reverse("supplies:donations_export"))
    assert cells(response, "到账日期").value is None


def test_the_public_export_writes_the_received_date_as_a_date_cell(client, gift) -> None:
    response = client.get(reverse("supplies:disclosure_export"))
    assert_date_cell(cells(response, "到账日期"), date(2026, 11, 21))


def test_the_ledger_gives_a_balance_only_to_cash_received(world, gift) -> None:
    """A pledge not yet received (or cancelled) has no money to spend: its 余额 is
    empty, so the column adds up to the 资金余额 of the donations page."""
    purpose, _ = Purpose.objects.get_or_create(name="购买防疫物资")
    actions.record_spending(
        area=world.subdistrict,
        purpose=purpose,
        amount=Decimal("1200"),
        description="口罩",
        by=world.hq,
    )
    for amount in ("300", "200"):
        pledge, _ = actions.record_donation(
            area=world.subdistrict,
            donor_kind="organisation",
            donor_name=f"承诺单位{amount}",
            kind="cash",
            amount=Decimal(amount),
            by=world.hq,
        )
    actions.cancel_donation(donation=pledge, reason="未到账", by=world.hq)
    response = world.client("hq").get(reverse("supplies:donations_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    rows = {
        row[header.index("捐赠方")]: row for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    for name in ("承诺单位300", "承诺单位200"):
        assert rows[name][header.index("已支出（元）")] is None
        assert rows[name][header.index("余额（元）")] is None
    assert rows["李顺喜"][header.index("余额（元）")] == 3800
    left = sum(row[header.index("余额（元）")] or 0 for row in rows.values())
    assert left == figures.donation_totals(world.subdistrict)["cash_balance"] == 3800
