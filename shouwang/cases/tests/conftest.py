"""Fixtures of the cases tests.

``presence_table``: a presence table for tracing tests, the (checkpoint_id, person_id,
ts) shape the check-in table will have, created inside each test's transaction (so it
vanishes with it) on SQLite and PostgreSQL alike. Production code never has such a
table of its own.

``timeline``: a confirmed case and the persons who crossed its path at two gates.

``marked``: the personas' world with compound A a key area and households to visit.

``trace_around``: one hop run through the action (``run_trace``) around a moment.

``traced``: the ``timeline`` case traced by HQ through the page.

``today``: the local date, read once when the test starts (never at import, so that a
run crossing midnight does not leave a test a day behind).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.cases import actions
from shouwang.cases.models import Case, KeyArea, Trace
from shouwang.cases.presence import PresenceSource
from shouwang.people.models import Household

from .factories import (
    EAST,
    WEST,
    M,
    at_eight,
    make_case,
    make_key_area,
    make_person,
    trace_data,
)

TABLE = "cases_test_presence"


class PresenceTable:
    source = PresenceSource(table=TABLE)

    def add(self, person: object, checkpoint_id: int, at: datetime) -> None:
        person_id = getattr(person, "pk", person)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (checkpoint_id, person_id, ts) VALUES (%s, %s, %s)",  # noqa: S608
                [checkpoint_id, person_id, connection.ops.adapt_datetimefield_value(at)],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608


@pytest.fixture
def presence_table(db, settings) -> PresenceTable:
    bigint = models.BigIntegerField().db_type(connection)
    ts = models.DateTimeField().db_type(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {TABLE} (checkpoint_id {bigint} NOT NULL, person_id {bigint},"
            f" ts {ts} NOT NULL)"
        )
        cursor.execute(f"CREATE INDEX {TABLE}_cp_ts ON {TABLE} (checkpoint_id, ts)")
        cursor.execute(f"CREATE INDEX {TABLE}_person_ts ON {TABLE} (person_id, ts)")
    settings.CASES_PRESENCE_SOURCE = PresenceTable.source
    return PresenceTable()


@pytest.fixture
def timeline(world, presence_table):
    """A confirmed case of A who passed the east gate at 08:00 two days ago; Ann and Bob
    of A passed within 15 minutes, Carl 20 minutes later; Bob later met Dora at the west
    gate; Bea of B passed the east gate at 08:05 too."""
    case = make_case(world.building_a, "confirmed")
    t = at_eight(timezone.localdate() - timedelta(days=2))
    people = {
        name: make_person(area, name)
        for name, area in [
            ("安安", world.building_a),
            ("博博", world.building_a2),
            ("卡卡", world.building_a),
            ("朵朵", world.building_a),
            ("蓓蓓", world.building_b),
        ]
    }
    presence_table.add(case.person, EAST, t)
    presence_table.add(people["安安"], EAST, t - 3 * M)
    presence_table.add(people["博博"], EAST, t + 15 * M)
    presence_table.add(people["卡卡"], EAST, t + 20 * M)
    presence_table.add(people["蓓蓓"], EAST, t + 5 * M)
    presence_table.add(people["博博"], WEST, t + timedelta(hours=2))
    presence_table.add(people["朵朵"], WEST, t + timedelta(hours=2) + 4 * M)
    return case, t, people


@pytest.fixture
def trace_around(world) -> Callable[..., Trace]:
    """``trace_around(case, at)``: one hop of ``case``'s tracing through the action,
    from an hour before ``at`` to an hour after (``before``, ``after``), 15 minutes
    either side of each pass, requested by HQ (or ``by``)."""

    def run(
        case: Case,
        at: datetime,
        *,
        before: timedelta = timedelta(hours=1),
        after: timedelta = timedelta(hours=1),
        by: Any = None,
    ) -> Trace:
        return actions.run_trace(
            case=case,
            start=at - before,
            end=at + after,
            window_minutes=15,
            purpose="确诊病例流调，排查卡点同时段人员",
            by=by or world.hq,
        )

    return run


@dataclass
class Traced:
    case: Case
    t: datetime
    people: dict[str, Any]
    client: Client  # HQ's, which ran the trace
    trace: Trace


@pytest.fixture
def traced(world, timeline) -> Traced:
    """The ``timeline`` case traced by HQ through the page, a day either side of its
    pass (``trace_data``)."""
    case, t, people = timeline
    client = world.client("hq")
    client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    return Traced(case, t, people, client, Trace.objects.get())


@pytest.fixture
def marked(world):
    """Compound A is a key area; building 1 has two households (one of two persons),
    building 2 one household, and an empty flat; community B has a household too."""
    world.key_area = make_key_area(world.compound_a, level=KeyArea.Level.FOLLOW_UP)
    world.zhang = make_person(world.building_a, "张伟", room="101")
    world.zhang_wife = make_person(world.building_a, "李娜", room="101")
    world.wang = make_person(world.building_a, "王芳", room="102")
    world.zhao = make_person(world.building_a2, "赵磊", room="201")
    Household.objects.create(area=world.building_a2, room="202")  # nobody lives there
    world.outside = make_person(world.building_b, "孙丽", room="301")
    return world


@pytest.fixture
def today() -> date:
    """The local date when the test starts: one value for its setup and its checks."""
    return timezone.localdate()
