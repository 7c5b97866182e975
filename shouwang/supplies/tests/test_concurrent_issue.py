"""Two people issue the last units at the same moment: one succeeds, the other is
refused with a clear message, and stock never goes below zero. Real threads with
their own database connections.

PostgreSQL: the threads run against the test database (row locks, SELECT … FOR
UPDATE). SQLite: the suite's in-memory shared-cache database fails a second writer at
once ("database table is locked") instead of waiting, unlike a real file, so the
SQLite race runs in a subprocess on a file database with the production settings
(WAL, BEGIN IMMEDIATE, busy timeout) — on every run, whatever the suite's engine."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from shouwang.core.tests.races import at_once
from shouwang.supplies.actions import transfer
from shouwang.supplies.models import Balance, Movement

from .factories import item, location, record_out, stock

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="in-process threads need PostgreSQL; see below"
)


def test_it_serialises_issues_on_a_sqlite_file_database() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shouwang.supplies.tests.sqlite_race"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["engine"] == "sqlite"
    assert result["journal_mode"] == "wal"
    # 7 masks, six people taking 2 at once: three get them, three are refused.
    assert sorted(result["outcomes"]) == ["issued"] * 3 + ["refused"] * 3, result
    assert result["balance"] == result["ledger_sum"] == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_take_the_last_units(world) -> None:
    store = location(world.community_a)
    masks = item()
    stock(store, 10)
    results = at_once(
        2,
        lambda i: record_out(
            item=masks, location=store, quantity=10, kind="issue", by=world.staff_a
        )[0],
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    issued = [r for r in results if isinstance(r, Movement)]
    assert len(issued) == 1, results
    assert len(refused) == 1, results
    assert "库存不足" in refused[0].messages[0]
    assert Balance.objects.get(item=masks, location=store).quantity == 0
    assert Movement.objects.filter(location=store).total() == 0


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_never_goes_negative_under_many_small_issues(world) -> None:
    store = location(world.community_a)
    masks = item()
    stock(store, 7)
    results = at_once(
        6,
        lambda i: record_out(
            item=masks, location=store, quantity=2, kind="consumption", by=world.staff_a
        )[0],
    )
    issued = [r for r in results if isinstance(r, Movement)]
    assert len(issued) == 3, results
    assert all(isinstance(r, ValidationError) for r in results if r not in issued), results
    balance = Balance.objects.get(item=masks, location=store).quantity
    assert balance == 1 == Movement.objects.filter(location=store).total()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_crossing_transfers_neither_deadlock_nor_overdraw(world) -> None:
    a, b = location(world.community_a), location(world.community_b)
    masks = item()
    stock(a, 5)
    stock(b, 5)
    results = at_once(
        4,
        lambda i: transfer(
            item=masks,
            source=a if i % 2 else b,
            destination=b if i % 2 else a,
            quantity=5,
            by=world.hq,
        )[0],
    )
    assert not [r for r in results if not isinstance(r, Movement | ValidationError)], results
    for where in (a, b):
        on_hand = Balance.objects.get(item=masks, location=where).quantity
        assert on_hand >= 0
        assert on_hand == Movement.objects.filter(location=where).total()
    assert Movement.objects.filter(item=masks).total() == 10
