"""Receipt numbers run consecutively per year in the order gifts are received, so a
pledge never received (or received later) leaves no gap in the series a finance
office keeps."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shouwang.supplies import actions
from shouwang.supplies.models import Donation, ReceiptCounter

pytestmark = pytest.mark.django_db


def _pledge(world, name: str) -> Donation:
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="person",
        donor_name=name,
        kind="cash",
        amount=Decimal("100"),
        channel="bank",
        by=world.hq,
    )
    return gift


def test_it_numbers_the_first_gift_received_first_whatever_its_pledge(world) -> None:
    first, second = _pledge(world, "李顺喜"), _pledge(world, "王秀英")
    client = world.client("hq")
    year = timezone.localdate().year

    response = client.post(reverse("supplies:donation_receive", args=[second.pk]), follow=True)
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.receipt_no == f"JZ{year}000001"
    assert f"JZ{year}000001" in response.content.decode()

    client.post(reverse("supplies:donation_receive", args=[first.pk]))
    first.refresh_from_db()
    assert first.receipt_no == f"JZ{year}000002"

    listing = client.get(reverse("supplies:donations")).content.decode()
    assert f"JZ{year}000001" in listing
    assert f"JZ{year}000002" in listing
    disclosure = client.get(reverse("supplies:disclosure")).content.decode()
    assert f"JZ{year}000002" in disclosure


def test_a_cancelled_pledge_takes_no_number(world) -> None:
    dropped, kept = _pledge(world, "李顺喜"), _pledge(world, "王秀英")
    client = world.client("hq")
    client.post(reverse("supplies:donation_cancel", args=[dropped.pk]), {"reason": "捐赠方撤回"})
    client.post(reverse("supplies:donation_receive", args=[kept.pk]))
    kept.refresh_from_db()
    assert kept.receipt_no == f"JZ{timezone.localdate().year}000001"


def test_each_year_has_its_own_series(world) -> None:
    last_year = _pledge(world, "李顺喜")
    last_year.pledged_on = last_year.pledged_on.replace(year=last_year.pledged_on.year - 1)
    last_year.save(update_fields=["pledged_on"])
    this_year = _pledge(world, "王秀英")
    year = timezone.localdate().year
    actions.receive_donation(donation=this_year, by=world.hq)
    at = datetime(year - 1, 12, 31, 10, tzinfo=timezone.get_current_timezone())
    actions.receive_donation(donation=last_year, by=world.hq, at=at)
    this_year.refresh_from_db()
    last_year.refresh_from_db()
    assert this_year.receipt_no == f"JZ{year}000001"
    assert last_year.receipt_no == f"JZ{year - 1}000001"
    assert dict(ReceiptCounter.objects.values_list("year", "last")) == {year: 1, year - 1: 1}


def test_a_partial_receipt_numbers_only_the_part_received(world) -> None:
    pledge = _pledge(world, "李顺喜")
    client = world.client("hq")
    client.post(reverse("supplies:donation_receive", args=[pledge.pk]), {"received_amount": "40"})
    rest = Donation.objects.get(status="pledged")
    client.post(reverse("supplies:donation_receive", args=[rest.pk]))
    year = timezone.localdate().year
    assert sorted(Donation.objects.values_list("receipt_no", flat=True)) == [
        f"JZ{year}000001",
        f"JZ{year}000002",
    ]


def test_the_database_refuses_a_number_twice(world) -> None:
    a, b = _pledge(world, "李顺喜"), _pledge(world, "王秀英")
    Donation.objects.filter(pk=a.pk).update(receipt_no="JZ2026000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Donation.objects.filter(pk=b.pk).update(receipt_no="JZ2026000001")
