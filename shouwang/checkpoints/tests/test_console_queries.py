"""What the post's hottest writes cost in statements: 确认在场 (with and without a
temperature), a staff scan of a personal pass (a new passage, or the confirmation of the
holder's pending self-scan) and the resident's one tap. A confirmation reads the passage
once and writes it with one UPDATE, the reading included."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .. import tokens
from ..models import CheckIn
from .factories import make_pass, make_person, registration
from .test_resident import tap_data
from .test_scan_confirms_self_scan import self_scanned

pytestmark = pytest.mark.django_db

# Transaction control is the test's and the engine's business, not the request's cost.
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
_ROW = '"checkpoints_checkin"'


@dataclass
class Statements:
    sql: list[str] = field(default_factory=list)

    @property
    def row_reads(self) -> list[str]:
        return [s for s in self.sql if s.startswith("SELECT") and f"FROM {_ROW}" in s]

    @property
    def row_inserts(self) -> list[str]:
        # On PostgreSQL the INSERT travels with its lock (``partitions.insert_once``).
        return [s for s in self.sql if f"INSERT INTO {_ROW}" in s]

    @property
    def row_writes(self) -> list[str]:
        return [s for s in self.sql if s.startswith(f"UPDATE {_ROW}")]


@contextmanager
def statements() -> Iterator[Statements]:
    seen = Statements()
    with CaptureQueriesContext(connection) as ctx:
        yield seen
    seen.sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(_CONTROL)]


@pytest.fixture
def guard(world, gate) -> Client:
    """guard_a, the console opened once (the session settled, the caches warm)."""
    client = world.client("guard_a")
    client.get(reverse("checkpoints:console_post", args=[gate.pk]))
    return client


# The session, the user, the user's area; then the passage, read once, and its UPDATE.
CONFIRM = 5


def test_confirming_reads_the_row_once_and_writes_it_once(world, guard, declared) -> None:
    row = declared
    with statements() as seen:
        response = guard.post(reverse("checkpoints:checkin_confirm", args=[row.pk]))
    assert response.status_code == 302
    assert (len(seen.sql), len(seen.row_reads), len(seen.row_writes)) == (CONFIRM, 1, 1), seen.sql
    row.refresh_from_db()
    assert (row.status, row.recorded_by, row.temperature) == ("confirmed", world.guard_a, None)
    assert row.confirmed_at is not None


def test_confirming_with_a_temperature_is_still_one_read_and_one_update(
    world, guard, declared
) -> None:
    row = declared
    with statements() as seen:
        response = guard.post(
            reverse("checkpoints:checkin_confirm", args=[row.pk]), {"temperature": "36.6"}
        )
    assert response.status_code == 302
    assert (len(seen.sql), len(seen.row_reads), len(seen.row_writes)) == (CONFIRM, 1, 1), seen.sql
    row.refresh_from_db()
    assert (row.status, row.recorded_by, row.temperature) == (
        "confirmed",
        world.guard_a,
        Decimal("36.6"),
    )


# The session, the user, the user's area, the checkpoint, the pass with its person; the
# passages: the scan's client id (a retry finds its row) or the holder's pending
# self-scan here, in one read.
SCAN_READS = 6


def test_a_scan_confirming_the_self_scan_reads_it_once_and_writes_it_once(
    world, gate, guard
) -> None:
    row = self_scanned(world, gate)
    data = {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(row.pass_used.code),
        "direction": row.direction,
        "temperature": "36.6",
    }
    with statements() as seen:
        response = guard.post(reverse("checkpoints:console_scan", args=[gate.pk]), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?last={row.pk}")
    # The client id's lookup and the pending self-scan are one read of the passages.
    assert (len(seen.sql), len(seen.row_reads), len(seen.row_writes)) == (
        SCAN_READS + 1,
        1,
        1,
    ), seen.sql
    row.refresh_from_db()
    assert (row.status, row.recorded_by, row.temperature, str(row.confirm_client_id)) == (
        "confirmed",
        world.guard_a,
        Decimal("36.6"),
        data["client_id"],
    )
    assert CheckIn.objects.filter(direction=row.direction).count() == 1


def test_a_scan_of_a_personal_pass_with_nothing_pending(world, gate, guard) -> None:
    """A new passage: the reads above, the pass's latest declaration (its own query and
    the row it names), whether the holder is a key person, and the INSERT."""
    warm = make_pass(make_person(world.building_a, "张三", room="201"))
    scan = reverse("checkpoints:console_scan", args=[gate.pk])
    guard.post(
        scan,
        {"client_id": str(uuid.uuid4()), "token": tokens.phone_token(warm.code), "direction": "in"},
    )  # the rule and key-area caches
    pass_ = make_pass(make_person(world.building_a, "李四", room="202"))
    data = {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(pass_.code),
        "direction": "in",
        "temperature": "36.5",
    }
    with statements() as seen:
        response = guard.post(scan, data)
    assert response.status_code == 302
    assert len(seen.sql) == SCAN_READS + 4, seen.sql
    assert len(seen.row_inserts) == 1, seen.sql
    assert not seen.row_writes
    stored = CheckIn.objects.get(pass_used=pass_)
    assert (stored.status, stored.temperature) == ("confirmed", Decimal("36.5"))


@pytest.mark.django_db(transaction=True)  # no test transaction: the tap's own commit
def test_the_one_tap_is_two_statements(world, gate) -> None:
    """The pass with its person and key-person check, and the INSERT; checkpoint, rule
    and key areas come from the per-process caches."""
    phone = Client()
    phone.post(reverse("checkin:register", args=[gate.code]), registration(world))
    scan = reverse("checkin:scan", args=[gate.code])
    phone.post(scan, tap_data())  # warms the per-process caches
    with statements() as seen:
        response = phone.post(scan, tap_data(direction="out"))
    assert 'data-result="g"' in response.content.decode()
    assert len(seen.sql) == 2, seen.sql
    assert seen.row_inserts == seen.sql[1:], seen.sql
