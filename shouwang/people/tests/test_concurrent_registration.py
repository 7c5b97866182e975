"""Two workers register the same resident at the same moment: one row, and the other
gets the same clear message as if the first had been earlier. Real threads with their
own PostgreSQL connections (the second's insert waits on the unique index until the
first commits). SQLite serialises writers (``BEGIN IMMEDIATE``), so there the second
finds the first in its check; the suite's in-memory database cannot show that, so that
race runs in a subprocess on a file database configured as in production."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from shouwang.core.tests.races import at_once
from shouwang.people.actions import create_person
from shouwang.people.models import Person
from shouwang.people.tests.factories import make_household, next_id_card

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="in-process threads need PostgreSQL; see above"
)


def test_simultaneous_registrations_on_a_sqlite_file_database_keep_one_row() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shouwang.people.tests.sqlite_race"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["engine"] == "sqlite"
    assert result["journal_mode"] == "wal"
    assert sorted(result["outcomes"]) == ["created"] + ["refused"] * 5, result
    assert result["rows"] == 1


def _register(world, household, number: str, i: int) -> Person:
    return create_person(
        household=household,
        name="王同时",
        doc_type="id_card",
        doc_number=number,
        phone=f"1390000000{i}",
        by=world.staff_a,
    )


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
def test_the_second_of_two_simultaneous_registrations_gets_the_message(world) -> None:
    """The second checks before the first commits (the number looks free), inserts,
    waits on the unique index, and is refused when the first commits."""
    one, two = make_household(world.building_a), make_household(world.building_a2)
    number = next_id_card()
    first_inside, second_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                outcome["first"] = _register(world, one, number, 1)
                first_inside.set()
                second_started.wait(timeout=10)
                deadline = time.monotonic() + 10
                while not _waiting_on_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.02)
                outcome["second waited"] = _waiting_on_a_lock()
        except Exception as exc:  # the outcome is what the test asserts
            outcome["first"] = exc
        finally:
            connection.close()

    def second() -> None:
        try:
            first_inside.wait(timeout=10)
            second_started.set()
            outcome["second"] = _register(world, two, number, 2)
        except Exception as exc:
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert outcome["second waited"] is True
    assert isinstance(outcome["first"], Person), outcome
    refused = outcome["second"]
    assert isinstance(refused, ValidationError), outcome
    assert refused.message_dict == {"doc_number": [f"该证件号码已登记：王同时，{one.address}"]}
    assert Person.objects.with_document(number).get().household == one


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_registrations_of_one_number_keep_one_row(world) -> None:
    for _ in range(3):
        homes = [make_household(world.building_a) for _ in range(4)]
        number = next_id_card()
        results = at_once(
            4, lambda i, number=number, homes=homes: _register(world, homes[i], number, i)
        )
        assert len([r for r in results if isinstance(r, Person)]) == 1, results
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(refused) == 3, results
        assert all("该证件号码已登记：王同时" in r.messages[0] for r in refused)
        assert Person.objects.with_document(number).count() == 1
