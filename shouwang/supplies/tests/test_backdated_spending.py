"""A spending dated in the past is allowed when the money was there that day and
every later spending can still be paid from gifts received by its own day: later
spendings are split again over the gifts, so each yuan stays traceable and no
gift's balance, on any day, goes below zero."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shouwang.supplies import actions
from shouwang.supplies.models import Donation, Purpose, Spending, SpendingShare

pytestmark = pytest.mark.django_db


def spend(client, purpose: Purpose, amount: str, days_ago: int, client_id: str):
    return client.post(
        reverse("supplies:spending_create"),
        {
            "purpose": purpose.pk,
            "amount": amount,
            "description": "口罩",
            "spent_on": (timezone.localdate() - timedelta(days=days_ago)).isoformat(),
            "client_id": client_id,
        },
    )


def test_a_backdated_spending_moves_a_later_one_onto_a_later_gift(
    world, cash_gift, purpose
) -> None:
    client = world.client("hq")
    early = cash_gift("李顺喜", "100", days_ago=10)
    assert spend(client, purpose, "100", 0, "today").status_code == 302
    late = cash_gift("张三", "100", days_ago=0)

    response = spend(client, purpose, "100", 5, "backdated")

    assert response.status_code == 302, response.content.decode()
    backdated = Spending.objects.get(client_id="backdated")
    today = Spending.objects.get(client_id="today")
    shares = {(s.spending, s.donation, s.amount) for s in SpendingShare.objects.all()}
    assert shares == {(backdated, early, Decimal("100.00")), (today, late, Decimal("100.00"))}


def test_a_backdated_spending_that_a_later_one_needs_is_refused(world, cash_gift, purpose) -> None:
    client = world.client("hq")
    early = cash_gift("李顺喜", "100", days_ago=10)
    assert spend(client, purpose, "100", 0, "today").status_code == 302
    cash_gift("张三", "50", days_ago=0)

    response = spend(client, purpose, "100", 5, "backdated")

    assert response.status_code == 400
    page = response.content.decode()
    assert "未做任何修改" in page
    day = timezone.localdate().isoformat()
    assert day in page
    assert not Spending.objects.filter(client_id="backdated").exists()
    (share,) = SpendingShare.objects.all()
    assert (share.spending.client_id, share.donation, share.amount) == (
        "today",
        early,
        Decimal("100.00"),
    )


DAYS = st.integers(min_value=0, max_value=6)
AMOUNTS = st.integers(min_value=1, max_value=5).map(lambda n: Decimal(n * 20))
STEPS = st.lists(
    st.tuples(st.sampled_from(["gift", "restricted", "spend"]), AMOUNTS, DAYS),
    min_size=1,
    max_size=10,
)


def day_end(day) -> datetime:
    return datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )


def check_books(purpose: Purpose) -> None:
    """Every spending fully drawn from gifts received by its day; no gift overdrawn."""
    for spending in Spending.objects.all():
        shares = list(spending.shares.select_related("donation"))
        assert sum(s.amount for s in shares) == spending.amount
        for share in shares:
            assert share.donation.received_at < day_end(spending.spent_on)
            assert share.donation.purpose in (None, purpose)
    for donation in Donation.objects.all():
        spent = donation.shares.aggregate(t=Sum("amount"))["t"] or 0
        assert spent <= donation.amount


def feasible(gifts: list[tuple[Decimal, object]], spendings: list[tuple[Decimal, object]]) -> bool:
    """One purpose: spending can be paid iff on every day what was received by then
    covers what was spent by then."""
    received, spent = defaultdict(Decimal), defaultdict(Decimal)
    for amount, day in gifts:
        received[day] += amount
    for amount, day in spendings:
        spent[day] += amount
    days = sorted(set(received) | set(spent))
    have = Decimal(0)
    for day in days:
        have += received[day] - spent[day]
        if have < 0:
            return False
    return True


def test_balances_never_go_negative_and_what_fits_is_accepted(world, cash_gift, purpose) -> None:

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(STEPS)
    def run(steps) -> None:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            gifts: list[tuple[Decimal, object]] = []
            spendings: list[tuple[Decimal, object]] = []
            for n, (kind, amount, days_ago) in enumerate(steps):
                day = timezone.localdate() - timedelta(days=days_ago)
                if kind != "spend":
                    restricted = purpose if kind == "restricted" else None
                    cash_gift(f"捐赠人{n}", str(amount), days_ago=days_ago, purpose=restricted)
                    gifts.append((amount, day))
                    continue
                fits = feasible(gifts, [*spendings, (amount, day)])
                refused = ""
                try:
                    actions.record_spending(
                        area=world.subdistrict,
                        purpose=purpose,
                        amount=amount,
                        description="口罩",
                        spent_on=day,
                        by=world.hq,
                    )
                except ValidationError as exc:
                    refused = exc.messages[0]
                else:
                    spendings.append((amount, day))
                assert bool(refused) != fits, refused
                assert not refused or "未做任何修改" in refused
                check_books(purpose)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    run()
