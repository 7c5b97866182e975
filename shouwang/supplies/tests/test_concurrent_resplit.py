"""Two backdated spendings that each split later spendings again, recorded at the same
moment over gifts they share: both lock the same gifts in one order, so one waits for
the other and both are stored (no deadlock). Real threads with their own PostgreSQL
connections; on SQLite ``BEGIN IMMEDIATE`` serialises writers, so the race cannot
happen there."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from shouwang.core.tests.races import at_once
from shouwang.supplies import actions
from shouwang.supplies.actions import donations
from shouwang.supplies.models import Donation, Purpose, Spending, SpendingShare

from .test_concurrent_issue import on_postgresql


def _spend(world, purpose: Purpose, amount: str, client_id: str, days_ago: int = 0):
    return actions.record_spending(
        area=world.subdistrict,
        purpose=purpose,
        amount=Decimal(amount),
        description="口罩",
        spent_on=timezone.localdate() - timedelta(days=days_ago),
        client_id=client_id,
        by=world.hq,
    )[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_backdated_re_splits_at_once_are_both_stored(world, monkeypatch, cash_gift) -> None:
    masks = Purpose.objects.get_or_create(name="购买防疫物资")[0]
    care = Purpose.objects.get_or_create(name="慰问一线人员")[0]
    cash_gift("甲", "100", days_ago=10)
    cash_gift("乙", "100", days_ago=10)
    _spend(world, masks, "150", "today-masks")
    _spend(world, care, "50", "today-care")
    # Each backdated spending finds a little of its own purpose's money first...
    cash_gift("丙", "10", purpose=masks, days_ago=10)
    cash_gift("丁", "10", purpose=care, days_ago=10)
    # ...and the spendings of today can move onto today's restricted gifts.
    cash_gift("戊", "150", purpose=masks)
    cash_gift("己", "50", purpose=care)

    # Both threads reach the re-split together, having taken whatever locks they take
    # before it.
    barrier = threading.Barrier(2)
    seen = threading.local()
    real = donations._later_spendings

    def together(spending):
        if not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait(timeout=10)
        return real(spending)

    monkeypatch.setattr(donations, "_later_spendings", together)
    results = at_once(
        2, lambda i: _spend(world, (masks, care)[i], "100", f"backdated-{i}", days_ago=5)
    )

    assert all(isinstance(r, Spending) for r in results), results
    assert Spending.objects.count() == 4
    for spending in Spending.objects.all():
        assert spending.shares.aggregate(t=Sum("amount"))["t"] == spending.amount
    for gift in Donation.objects.with_spent():
        assert gift.spent <= gift.amount


@pytest.mark.django_db
def test_a_gift_received_while_locking_starts_the_spending_again(
    world, monkeypatch, cash_gift
) -> None:
    """The pool read before the lock missed a gift received meanwhile: the attempt is
    rolled back and made again with that gift locked too, rather than locking it late."""
    masks = Purpose.objects.get_or_create(name="购买防疫物资")[0]
    first = cash_gift("甲", "100", days_ago=10)
    second = cash_gift("乙", "100", days_ago=10)
    real = donations._later_spendings
    calls = []

    def missing_the_second_at_first(spending):
        calls.append(spending)
        later, ids = real(spending)
        return (later, [pk for pk in ids if pk != second.pk]) if len(calls) == 1 else (later, ids)

    monkeypatch.setattr(donations, "_later_spendings", missing_the_second_at_first)

    spent = _spend(world, masks, "150", "s1")

    assert len(calls) == 4  # two reads per attempt, two attempts
    assert {(s.donation, s.amount) for s in spent.shares.all()} == {
        (first, Decimal("100.00")),
        (second, Decimal("50.00")),
    }
    assert Spending.objects.count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_community_spending_does_not_wait_for_a_sub_district_spending(
    world, monkeypatch, cash_gift
) -> None:
    """A sub-district spending locks only the gifts it may draw on (``Donation.funds``):
    a community's designated gift is not among them, so a spending of that community
    goes through while the sub-district's is still open with its locks held."""
    masks = Purpose.objects.get_or_create(name="购买防疫物资")[0]
    own = cash_gift("甲", "100")
    pledge, _ = actions.record_donation(
        area=world.community_a,
        donor_kind="person",
        donor_name="乙",
        kind="cash",
        amount=Decimal("100"),
        channel="bank",
        by=world.hq,
    )
    designated, _ = actions.receive_donation(donation=pledge, by=world.hq)

    locked, community_done = threading.Event(), threading.Event()
    overlapped: list[bool] = []
    real = donations._locked_pool

    def hold(spending):
        pool = real(spending)
        if spending.area == world.subdistrict:
            locked.set()
            # Keep the transaction (and its locks) open until the community's
            # spending is stored, or give up after a while if it is blocked.
            overlapped.append(community_done.wait(timeout=5))
        return pool

    monkeypatch.setattr(donations, "_locked_pool", hold)

    def community_while_locked() -> Spending:
        assert locked.wait(timeout=10)
        spending = actions.record_spending(
            area=world.community_a,
            purpose=masks,
            amount=Decimal("40"),
            description="口罩",
            client_id="community",
            by=world.hq,
        )[0]
        community_done.set()
        return spending

    results = at_once(
        2,
        lambda i: (
            _spend(world, masks, "60", "sub-district") if i == 0 else community_while_locked()
        ),
    )

    assert all(isinstance(r, Spending) for r in results), results
    assert overlapped == [True]
    shares = {s.spending.client_id: (s.donation, s.amount) for s in SpendingShare.objects.all()}
    assert shares == {
        "sub-district": (own, Decimal("60.00")),
        "community": (designated, Decimal("40.00")),
    }
