"""The demo's gifts are received in the order they arrived, so its receipt numbers run
1, 2, 3… by arrival day, as a finance office's series does."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.utils import timezone

from shouwang.supplies.models import Donation


def test_the_demo_numbers_its_receipts_in_the_order_gifts_arrived(db) -> None:
    call_command("demo", "--size", "tiny", "--no-serve", stdout=io.StringIO())
    received = Donation.objects.filter(status=Donation.Status.RECEIVED).order_by(
        "received_at", "pk"
    )
    # Numbered per year of arrival (the demo's gifts arrived days ago: maybe last year).
    counts: dict[int, int] = {}
    expected = []
    for gift in received:
        year = timezone.localtime(gift.received_at).year
        counts[year] = counts.get(year, 0) + 1
        expected.append(f"JZ{year}{counts[year]:06d}")
    assert [d.receipt_no for d in received] == expected
