"""PostgreSQL keeps check-ins in one partition per local day: rows reach their day,
days are created ahead and dropped whole at the end of the retention window."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from shouwang.checkpoints import partitions
from shouwang.checkpoints.models import CheckIn, Visit

from .factories import make_checkin, make_checkpoint, make_person
from .test_retention import purge, visit

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="day partitions are PostgreSQL's"
)


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def home(row: CheckIn) -> str:
    """The partition a row is stored in."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM checkpoints_checkin WHERE id = %s", [row.pk]
        )
        return cursor.fetchone()[0]


def local(day, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=timezone.get_current_timezone())


@postgresql_only
def test_the_table_is_partitioned_by_day_with_a_default_partition(db) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relkind, pg_get_partkeydef(c.oid) FROM pg_class c"
            " WHERE c.relname = 'checkpoints_checkin'"
        )
        assert cursor.fetchone() == ("p", "RANGE (at)")
        cursor.execute("SELECT to_regclass('checkpoints_checkin_default') IS NOT NULL")
        assert cursor.fetchone()[0] is True


@postgresql_only
def test_maintenance_creates_days_ahead_and_moves_stranded_rows_into_their_day(world) -> None:
    gate = make_checkpoint(world.compound_a)
    today = timezone.localdate()
    old_day = today - timedelta(days=5)
    # Shanghai midnight, stored in UTC: 23:59:59 and 00:00:00 belong to different days.
    late = make_checkin(gate, at=local(old_day, 23, 59, 59))
    early = make_checkin(gate, at=local(old_day + timedelta(days=1), 0, 0, 0))
    assert home(late) == home(early) == "checkpoints_checkin_default"

    out = run("checkin_partitions", "--ahead", "2")

    created = [old_day, old_day + timedelta(days=1), *(today + timedelta(days=n) for n in range(3))]
    assert "从默认分区移入 2 条" in out
    assert f"{old_day:%m-%d}" in out
    assert set(created) <= set(partitions.days())
    assert home(late) == partitions.partition_name(old_day)
    assert home(early) == partitions.partition_name(old_day + timedelta(days=1))
    # The rows kept their ids and values; a passage today goes straight to its day.
    assert CheckIn.objects.get(pk=late.pk).at == late.at
    now = make_checkin(gate)
    assert home(now) == partitions.partition_name(today)
    # Idempotent.
    assert "新建日分区：无；从默认分区移入 0 条" in run("checkin_partitions", "--ahead", "2")


@postgresql_only
def test_retention_drops_whole_days_with_their_visitors_and_deletes_the_rest(
    world, settings
) -> None:
    settings.CHECKIN_RETENTION_DAYS = 28
    gate = make_checkpoint(world.compound_a)
    person = make_person(world.building_a)
    now = timezone.now()
    old = make_checkin(gate, person=person, at=now - timedelta(days=40))
    old_visitor = make_checkin(gate, visitor=True, at=now - timedelta(days=29, hours=1))
    boundary = make_checkin(gate, person=person, at=now - timedelta(days=28, seconds=1))
    kept = make_checkin(gate, person=person, at=now - timedelta(days=27, hours=23))
    visit(old_visitor)
    visit(kept, name="访客乙")
    partitions.maintain()
    old_day = timezone.localdate(old.at)

    assert "已删除超过 28 天的通行记录 3 条（访客登记 1 条）" in purge()

    assert old_day not in partitions.days()
    assert timezone.localdate(old_visitor.at) not in partitions.days()
    assert list(CheckIn.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(Visit.objects.values_list("name", flat=True)) == ["访客乙"]
    assert not CheckIn.objects.filter(pk=boundary.pk).exists()
    assert "已删除超过 28 天的通行记录 0 条（访客登记 0 条）" in purge()


@postgresql_only
def test_a_dry_run_drops_no_day(world, settings) -> None:
    settings.CHECKIN_RETENTION_DAYS = 28
    gate = make_checkpoint(world.compound_a)
    old = make_checkin(gate, at=timezone.now() - timedelta(days=40))
    partitions.maintain()
    assert "将删除超过 28 天的通行记录 1 条" in purge("--dry-run")
    assert timezone.localdate(old.at) in partitions.days()
    assert CheckIn.objects.filter(pk=old.pk).exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite keeps one table")
def test_sqlite_needs_no_partition_upkeep(db) -> None:
    assert "SQLite 数据库不分区，无需维护" in run("checkin_partitions")
    assert partitions.maintain().created == []
