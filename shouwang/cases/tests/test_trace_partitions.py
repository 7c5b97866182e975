"""On PostgreSQL, tracing reads a window that lies inside one local day from that day's
partition by name, and any other window from the check-in table: the answer is the
same either way, at the day's edges too."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shouwang.cases import actions
from shouwang.cases.presence import trace
from shouwang.checkpoints import partitions
from shouwang.checkpoints.models import local_day_bounds
from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint, make_person
from shouwang.people.models import Person

from .factories import make_case

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="day partitions are PostgreSQL's"),
]


def local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def timeline(world):
    """A case's three passes: at noon of a day with a partition, five minutes before
    its midnight (the next day has a partition too) and on a day that has none yet
    (its rows wait in the DEFAULT partition)."""
    day = timezone.localdate() - timedelta(days=5)
    partitions.create_days(day, day + timedelta(days=1))
    gate = make_checkpoint(world.compound_a)
    case = make_case(world.building_a)
    people = {
        name: make_person(world.building_a, name, room=str(101 + i))
        for i, name in enumerate(["午间", "稍晚", "午夜前", "午夜后", "无分区日"])
    }
    passes = [local(day, 12), local(day, 23, 55), local(day + timedelta(days=2), 10)]
    for at in passes:
        make_checkin(gate, person=case.person, at=at)
    make_checkin(gate, person=people["午间"], at=local(day, 12, 10))
    make_checkin(gate, person=people["稍晚"], at=local(day, 12, 16))  # outside ±15 min
    make_checkin(gate, person=people["午夜前"], at=local(day, 23, 41))
    make_checkin(gate, person=people["午夜后"], at=local(day + timedelta(days=1), 0, 5))
    make_checkin(gate, person=people["无分区日"], at=local(day + timedelta(days=2), 10, 15))
    found = {people[n].pk for n in ("午间", "午夜前", "午夜后", "无分区日")}
    return day, case, passes, found


def test_a_window_inside_a_day_reads_its_partition_and_the_others_the_table(world, timeline):
    day, case, passes, found = timeline
    with CaptureQueriesContext(connection) as queries:
        stored = actions.run_trace(
            case=case,
            start=passes[0] - timedelta(hours=1),
            end=passes[-1] + timedelta(hours=1),
            window_minutes=15,
            purpose="确诊病例流调",
            by=world.hq,
        )

    assert set(stored.hits.values_list("person_id", flat=True)) == found
    search = next(q["sql"] for q in queries if q["sql"].startswith("WITH m AS"))
    assert search.count(f'FROM "{partitions.partition_name(day)}" WHERE') == 1
    assert search.count('FROM "checkpoints_checkin" WHERE') == 2


def test_the_search_alone_and_the_second_hop_find_the_same_across_partitions(world, timeline):
    day, case, passes, found = timeline
    met_at_noon = Person.objects.get(pk__in=found, name="午间")
    later = make_person(world.building_a, "第二跳", room="301")
    market = make_checkpoint(world.compound_a)
    make_checkin(market, person=met_at_noon, at=local(day, 18))
    make_checkin(market, person=later, at=local(day, 18, 5))

    result = trace(
        person=case.person,
        start=passes[0] - timedelta(hours=1),
        end=passes[-1] + timedelta(hours=1),
        window_minutes=15,
        hops=2,
    )

    assert {h.person_id for h in result.hits if h.hop == 1} == found
    # 稍晚 missed the case by a minute but not 午间, who then met 第二跳 at the market.
    a_minute_late = Person.objects.get(name="稍晚")
    second = {h.person_id: h.via for h in result.hits if h.hop == 2}
    assert second == {a_minute_late.pk: met_at_noon.pk, later.pk: met_at_noon.pk}


def test_the_partitions_listed_for_reading_stay_until_the_transaction_ends(db):
    day = timezone.localdate() - timedelta(days=5)
    partitions.create_days(day, day)

    held = partitions.held_for_reading()

    assert (*local_day_bounds(day), partitions.partition_name(day)) in held
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid()"
            " AND relation = 'checkpoints_checkin'::regclass"
        )
        assert "AccessShareLock" in {mode for (mode,) in cursor.fetchall()}
