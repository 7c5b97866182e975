"""The check-in table's day partitions (PostgreSQL; SQLite keeps one plain table).

Migration 0006 makes ``checkpoints_checkin`` a table partitioned by RANGE on ``at``, one
partition per local calendar day (``checkpoints_checkin_p20260201`` holds 1 February,
Asia/Shanghai) and a DEFAULT partition for any day not created yet. Here:

- ``insert_once``: one passage stored once per client id within ``RETRY_WINDOW``
  (the unique key ``(client_id, at)`` alone would let a retry with a later ``at`` in);
- ``maintain``: create the coming days' partitions ahead, and move rows that landed in
  the DEFAULT partition (a day not created in time, demo and imported history) into
  their own day — the hourly job ``checkin_partitions``;
- ``drop_days_before``: retention drops whole days (their visitor details first)
  instead of deleting rows.
"""

from __future__ import annotations

import uuid
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from shouwang.core import rows

from .models import RETRY_WINDOW, CheckIn, Visit, local_day_bounds

TABLE = CheckIn._meta.db_table
DEFAULT = f"{TABLE}_default"
AHEAD_DAYS = 3  # partitions created ahead of today by the hourly job
_LOCK_CLASS = zlib.crc32(TABLE.encode()) & 0x7FFFFFFF
# Dropping a day locks the whole table for an instant, and inserts queue behind a
# waiting lock: give up after this and try again at the next run.
_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '2s'"


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def partition_name(day: date) -> str:
    return f"{TABLE}_p{day:%Y%m%d}"


def insert_once(row: CheckIn, *, synchronous_commit: bool = True) -> None:
    """Insert ``row``; ``IntegrityError`` if its client id is already stored (on
    PostgreSQL: within ``RETRY_WINDOW`` of its time)."""
    if not partitioned():
        rows.insert(row, synchronous_commit=synchronous_commit)
        return
    key = int.from_bytes(uuid.UUID(str(row.client_id)).bytes[:4], "big", signed=True)
    once = rows.Once(
        lock=(_LOCK_CLASS, key),
        where="client_id = %s AND at BETWEEN %s AND %s",
        params=[row.client_id, row.at - RETRY_WINDOW, row.at + RETRY_WINDOW],
    )
    rows.insert(row, synchronous_commit=synchronous_commit, once=once)


def days() -> dict[date, str]:
    """The day partitions that exist, by day."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [name for (name,) in cursor.fetchall()]
    prefix = f"{TABLE}_p"
    return {
        datetime.strptime(name.removeprefix(prefix), "%Y%m%d").date(): name  # noqa: DTZ007
        for name in names
        if name.startswith(prefix)
    }


def _create_day(day: date) -> int:
    """Create ``day``'s partition, moving the rows the DEFAULT partition holds for it
    (a new partition may not overlap rows already in the default). Returns the rows
    moved. Inserts of the day wait for the few statements of the move."""
    name = partition_name(day)
    start, end = local_day_bounds(day)
    bounds = f"FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_LOCK_TIMEOUT)
        cursor.execute(f"LOCK TABLE {DEFAULT} IN EXCLUSIVE MODE")
        cursor.execute(
            f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        )
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE at >= %s AND at < %s RETURNING *)"  # noqa: S608
            f" INSERT INTO {name} SELECT * FROM moved",
            [start, end],
        )
        moved = cursor.rowcount
        cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES {bounds}")
        cursor.execute(
            f"CREATE STATISTICS {name}_point_recorder (ndistinct)"
            f" ON checkpoint_id, recorded_by_id FROM {name}"
        )
        if moved:
            cursor.execute(f"ANALYZE {name}")
    return moved


@dataclass
class Maintained:
    created: list[date] = field(default_factory=list)
    moved: int = 0


def maintain(*, today: date | None = None, ahead: int = AHEAD_DAYS) -> Maintained:
    """Create the partitions of today and the next ``ahead`` days, and of every day
    that has rows in the DEFAULT partition (moving them in). Idempotent."""
    done = Maintained()
    if not partitioned():
        return done
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT (at AT TIME ZONE %s)::date FROM {DEFAULT}",  # noqa: S608
            [timezone.get_current_timezone_name()],
        )
        stranded = {day for (day,) in cursor.fetchall()}
    existing = days()
    wanted = stranded | {today + timedelta(days=n) for n in range(ahead + 1)}
    for day in sorted(wanted - existing.keys()):
        done.moved += _create_day(day)
        done.created.append(day)
    return done


def create_days(first: date, last: date) -> list[date]:
    """Create the partitions of ``first`` … ``last`` that do not exist yet (a database
    loaded with history, a benchmark's weeks of passages); returns the days created."""
    if not partitioned():
        return []
    existing = days()
    wanted = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    made = [day for day in wanted if day not in existing]
    for day in made:
        _create_day(day)
    return made


@dataclass
class Dropped:
    days: list[date] = field(default_factory=list)
    checkins: int = 0
    visits: int = 0


def drop_days_before(before: datetime, *, dry_run: bool = False) -> Dropped:
    """Drop the partitions of the days that end at or before ``before``, each with its
    visitor details (``Visit`` has no database key to cascade)."""
    dropped = Dropped()
    if not partitioned():
        return dropped
    visits = Visit._meta.db_table
    for day, name in sorted(days().items()):
        if local_day_bounds(day)[1] > before:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608
            checkins = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT count(*) FROM {visits} WHERE checkin_id IN (SELECT id FROM {name})"  # noqa: S608
            )
            count = cursor.fetchone()[0]
            if not dry_run:
                cursor.execute(
                    f"DELETE FROM {visits} WHERE checkin_id IN (SELECT id FROM {name})"  # noqa: S608
                )
                cursor.execute(_LOCK_TIMEOUT)
                cursor.execute(f"DROP TABLE {name}")
        dropped.days.append(day)
        dropped.checkins += checkins
        dropped.visits += count
    return dropped
