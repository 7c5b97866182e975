"""Stock equals the sum of movements after any sequence of operations.

A hypothesis state machine receives, issues, transfers and counts stock at random
across three locations and two items, keeping its own model of what should be on
hand. After every step: the balance row, the sum of the ledger and the model agree,
nothing is negative, and refused operations wrote nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from shouwang.supplies import actions
from shouwang.supplies.models import Balance, Movement, StockCountLine

from .factories import item, location, record_out

PLACES = st.integers(min_value=0, max_value=2)
ITEMS = st.integers(min_value=0, max_value=1)
QUANTITIES = st.integers(min_value=1, max_value=60)


def make_machine(world):
    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.places = [
                location(world.subdistrict, "仓库"),
                location(world.community_a, "西城库房"),
                location(world.community_b, "八一库房"),
            ]
            self.items = [item("医用口罩"), item("防护服")]
            self.model = {(i, p): 0 for i in range(2) for p in range(3)}
            self.rows = 0

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def _refused(self, call) -> bool:
            before = Movement.objects.count()
            try:
                call()
            except ValidationError as exc:
                message = exc.messages[0]
            else:
                return False
            assert "库存不足" in message
            assert Movement.objects.count() == before, "a refused operation wrote rows"
            return True

        @rule(i=ITEMS, p=PLACES, n=QUANTITIES, opening=st.booleans())
        def receive(self, i: int, p: int, n: int, opening: bool) -> None:
            actions.receive_stock(
                item=self.items[i],
                location=self.places[p],
                quantity=n,
                kind="opening" if opening else "purchase",
                by=world.hq,
            )
            self.model[(i, p)] += n

        @rule(
            i=ITEMS, p=PLACES, n=QUANTITIES, kind=st.sampled_from(["issue", "consumption", "loss"])
        )
        def take_out(self, i: int, p: int, n: int, kind: str) -> None:
            refused = self._refused(
                lambda: record_out(
                    item=self.items[i], location=self.places[p], quantity=n, kind=kind, by=world.hq
                )
            )
            assert refused == (n > self.model[(i, p)])
            if not refused:
                self.model[(i, p)] -= n

        @rule(i=ITEMS, a=PLACES, b=PLACES, n=QUANTITIES)
        def move(self, i: int, a: int, b: int, n: int) -> None:
            if a == b:
                return
            refused = self._refused(
                lambda: actions.transfer(
                    item=self.items[i],
                    source=self.places[a],
                    destination=self.places[b],
                    quantity=n,
                    by=world.hq,
                )
            )
            assert refused == (n > self.model[(i, a)])
            if not refused:
                self.model[(i, a)] -= n
                self.model[(i, b)] += n

        @rule(i=ITEMS, p=PLACES, counted=st.integers(min_value=0, max_value=80))
        def count(self, i: int, p: int, counted: int) -> None:
            c, _ = actions.count_stock(
                location=self.places[p],
                counted={self.items[i]: counted},
                reason="盘点差异",
                by=world.hq,
            )
            line = StockCountLine.objects.get(count=c)
            assert line.expected == self.model[(i, p)]
            self.model[(i, p)] = counted

        @invariant()
        def balances_are_the_sum_of_movements(self) -> None:
            for (i, p), expected in self.model.items():
                kwargs = {"item": self.items[i], "location": self.places[p]}
                balance = Balance.objects.filter(**kwargs).values_list("quantity", flat=True)
                assert next(iter(balance), 0) == expected
                assert Movement.objects.filter(**kwargs).total() == expected
                last = Movement.objects.filter(**kwargs).order_by("-id").first()
                assert last is None or last.balance_after == expected
            assert not Balance.objects.filter(quantity__lt=0).exists()

    return Ledger


@pytest.mark.django_db
def test_stock_is_always_the_sum_of_movements(world) -> None:
    run_state_machine_as_test(
        make_machine(world),
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
