"""Two people register gifts of the same new donor at the same moment: both gifts are
stored against one donor, and neither gets an error. Real threads with their own
PostgreSQL connections; on SQLite ``BEGIN IMMEDIATE`` serialises writers, so the
race cannot happen there."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from shouwang.core.tests.races import at_once
from shouwang.supplies.actions import record_donation
from shouwang.supplies.models import Donation, Donor

from .test_concurrent_issue import on_postgresql


def _gift(world, name: str, i: int) -> Donation:
    gift, _ = record_donation(
        area=world.subdistrict,
        donor_kind=Donor.Kind.ORGANISATION,
        donor_name=name,
        # One contact for the donor: a different one typed for a donor on the books is
        # refused (test_donor_contact), which is not the race under test here.
        contact_name="王经理",
        kind=Donation.Kind.CASH,
        amount=Decimal(100 + i),
        channel="bank",
        received=True,
        client_id=f"{name}-{i}",
        by=world.hq,
    )
    return gift


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_stores_both_gifts_against_one_donor_when_the_second_misses_the_first(world):
    """The second registration looks the donor up before the first commits, then
    inserts it and waits on the unique index until the first commits (``at_once``
    starts both; the events order them so, on every run)."""
    first_inside, second_started = threading.Event(), threading.Event()

    def register(i: int) -> object:
        if i == 1:  # the second: looks the donor up while the first is inside
            first_inside.wait(timeout=10)
            second_started.set()
            return _gift(world, "明湖商贸有限公司", 2)
        with transaction.atomic():
            gift = _gift(world, "明湖商贸有限公司", 1)
            first_inside.set()
            second_started.wait(timeout=10)
            deadline = time.monotonic() + 10
            while not _waiting_on_a_lock() and time.monotonic() < deadline:
                time.sleep(0.02)
            return gift, _waiting_on_a_lock()

    first, second = at_once(2, register)
    assert isinstance(first, tuple), first  # else what the first raised
    first, second_waited = first
    assert second_waited is True
    assert isinstance(first, Donation), first
    assert isinstance(second, Donation), second
    donor = Donor.objects.get(name="明湖商贸有限公司")
    assert sorted(Donation.objects.filter(donor=donor).values_list("amount", flat=True)) == [
        Decimal("101.00"),
        Decimal("102.00"),
    ]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_stores_every_gift_when_many_register_a_new_donor_at_once(world):
    for round_ in range(5):
        name = f"爱心企业{round_}"
        results = at_once(4, lambda i, name=name: _gift(world, name, i))
        assert all(isinstance(r, Donation) for r in results), results
        assert Donation.objects.filter(donor__name=name).count() == 4
        assert Donor.objects.filter(name=name).count() == 1
