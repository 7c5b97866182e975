"""Migration 0017 keeps the numbers of gifts received before it and starts each year's
counter after that year's highest; reversing removes the counters only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from shouwang.supplies import actions
from shouwang.supplies.models import Donation, Donor, ReceiptCounter

BEFORE = [("supplies", "0016_receipt_counter")]


@pytest.mark.django_db(transaction=True)
def test_it_continues_each_year_after_its_highest_number_and_reverses(world) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    old_donor, old_gift = (apps.get_model("supplies", m) for m in ("Donor", "Donation"))
    donor = old_donor.objects.create(area_id=world.subdistrict.pk, kind="person", name="李顺喜")

    def gift(receipt_no: str, status: str = "received") -> int:
        return old_gift.objects.create(
            donor=donor,
            area_id=world.subdistrict.pk,
            kind="cash",
            amount=100,
            channel="bank",
            status=status,
            pledged_on=timezone.localdate(),
            receipt_no=receipt_no,
        ).pk

    year = timezone.localdate().year
    kept = [gift(f"JZ{year}000007"), gift(f"JZ{year}000003"), gift(f"JZ{year - 1}000002")]
    pending = gift("", status="pledged")
    executor.loader.build_graph()
    # Forward to the latest schema (0017 and what follows): the current models read it.
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert dict(ReceiptCounter.objects.values_list("year", "last")) == {year: 7, year - 1: 2}
    assert [Donation.objects.get(pk=pk).receipt_no for pk in kept] == [
        f"JZ{year}000007",
        f"JZ{year}000003",
        f"JZ{year - 1}000002",
    ]
    gift_now, _ = actions.receive_donation(donation=Donation.objects.get(pk=pending), by=world.hq)
    assert gift_now.receipt_no == f"JZ{year}000008"
    assert Donor.objects.filter(name="李顺喜").exists()

    executor.loader.build_graph()
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    assert apps.get_model("supplies", "ReceiptCounter").objects.count() == 0
    numbers = apps.get_model("supplies", "Donation").objects.values_list("receipt_no", flat=True)
    assert f"JZ{year}000008" in set(numbers)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
