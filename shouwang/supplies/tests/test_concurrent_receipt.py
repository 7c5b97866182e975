"""Gifts received at the same moment get consecutive receipt numbers, none twice and
none skipped. Real threads with their own PostgreSQL connections; on SQLite
``BEGIN IMMEDIATE`` serialises writers, so the race cannot happen there."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from shouwang.core.tests.races import at_once
from shouwang.supplies import actions
from shouwang.supplies.models import Donation, ReceiptCounter

from .test_concurrent_issue import on_postgresql


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_gifts_received_at_once_get_consecutive_numbers(world) -> None:
    pledges = [
        actions.record_donation(
            area=world.subdistrict,
            donor_kind="person",
            donor_name=f"捐赠人{i}",
            kind="cash",
            amount=Decimal(100 + i),
            channel="bank",
            by=world.hq,
        )[0]
        for i in range(6)
    ]
    # The first receipt of the year creates the year's counter row: all six race for it.
    results = at_once(6, lambda i: actions.receive_donation(donation=pledges[i], by=world.hq))
    assert all(isinstance(r, tuple) for r in results), results
    year = timezone.localdate().year
    assert sorted(Donation.objects.values_list("receipt_no", flat=True)) == [
        f"JZ{year}{n:06d}" for n in range(1, 7)
    ]
    assert ReceiptCounter.objects.get(year=year).last == 6
