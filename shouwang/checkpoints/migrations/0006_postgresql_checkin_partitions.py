"""PostgreSQL only: the check-in table becomes partitioned by local day (RANGE on ``at``).

Retention then drops a whole day (``DROP TABLE`` of its partition, a fraction of a
second) instead of deleting a million rows, and every read bounded in time (the day's
roll-up, the live list, presence tracing) touches only the days it asks for.

PostgreSQL requires the partition key in every unique constraint, so the primary key
becomes ``(id, at)`` (ids still come from one sequence and stay unique), the
idempotency key ``(client_id, at)`` and the staff-scan key ``(confirm_client_id, at)``;
``partitions.insert_once`` keeps a client id stored once within the retry window. The
rows are copied into one partition per day they fall on, plus a DEFAULT partition for
days not created yet (``shouwang checkin_partitions`` creates them ahead and moves such
rows in). Foreign keys, plain indexes and their names are carried over.

Backwards: a plain table with the original keys again (it fails if a client id was
stored twice on different days, which the plain table's unique key does not allow).
SQLite keeps the plain table.
"""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

TABLE = "checkpoints_checkin"
OLD = "checkpoints_checkin_plain"
SEQUENCE = "checkpoints_checkin_id_seq"


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
    return cursor.fetchone()[0]


def _carried(cursor, table: str) -> tuple[list[str], list[str]]:
    """The foreign keys and non-unique indexes of ``table``, as statements for the
    table named ``checkpoints_checkin`` (names kept)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    keys = [f'ALTER TABLE {TABLE} ADD CONSTRAINT "{n}" {d}' for n, d in cursor.fetchall()]
    cursor.execute(
        "SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x"
        " WHERE x.indrelid = %s::regclass AND NOT x.indisunique",
        [table],
    )
    # "... ON [ONLY] schema.table USING ...": ONLY would leave the partitions unindexed.
    indexes = [re.sub(r" ON (ONLY )?\S+ USING ", f" ON {TABLE} USING ", d) for (d,) in cursor.fetchall()]
    return keys, indexes


def _day_partition(cursor, day) -> None:
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    name = f"{TABLE}_p{day:%Y%m%d}"
    cursor.execute(
        f"CREATE TABLE {name} PARTITION OF {TABLE}"
        f" FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )
    cursor.execute(
        f"CREATE STATISTICS {name}_point_recorder (ndistinct)"
        f" ON checkpoint_id, recorded_by_id FROM {name}"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        next_id = _next_id(cursor, TABLE)
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(f"ALTER TABLE {OLD} ALTER id DROP IDENTITY")
        keys, indexes = _carried(cursor, OLD)
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            " PARTITION BY RANGE (at)"
        )
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        cursor.execute(
            f"SELECT DISTINCT (at AT TIME ZONE %s)::date FROM {OLD}",  # noqa: S608
            [settings.TIME_ZONE],
        )
        for (day,) in cursor.fetchall():
            _day_partition(cursor, day)
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")  # noqa: S608
        cursor.execute(f"DROP TABLE {OLD}")
        cursor.execute(f"CREATE SEQUENCE {SEQUENCE} AS bigint OWNED BY {TABLE}.id")
        cursor.execute(f"SELECT setval('{SEQUENCE}', %s, false)", [next_id])
        cursor.execute(f"ALTER TABLE {TABLE} ALTER id SET DEFAULT nextval('{SEQUENCE}')")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, at)")
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT checkin_client_id_at_uniq UNIQUE (client_id, at)"
        )
        cursor.execute(
            f"CREATE UNIQUE INDEX checkin_unique_confirm_client_id ON {TABLE}"
            " (confirm_client_id, at) WHERE confirm_client_id IS NOT NULL"
        )
        for sql in [*indexes, *keys]:
            cursor.execute(sql)
        cursor.execute(f"ANALYZE {TABLE}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        next_id = _next_id(cursor, TABLE)
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        keys, indexes = _carried(cursor, OLD)
        cursor.execute(f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING CONSTRAINTS)")
        cursor.execute(
            f"ALTER TABLE {TABLE} ALTER other_symptoms SET DEFAULT ''"  # the one db_default
        )
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")  # noqa: S608
        cursor.execute(f"DROP TABLE {OLD}")  # its partitions and sequence with it
        cursor.execute(f"ALTER TABLE {TABLE} ALTER id ADD GENERATED BY DEFAULT AS IDENTITY")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), %s, false)", [next_id]
        )
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_client_id_key UNIQUE (client_id)"
        )
        cursor.execute(
            f"CREATE UNIQUE INDEX checkin_unique_confirm_client_id ON {TABLE}"
            " (confirm_client_id) WHERE confirm_client_id IS NOT NULL"
        )
        for sql in [*indexes, *keys]:
            cursor.execute(sql)
        cursor.execute(
            "CREATE STATISTICS checkin_point_recorder (ndistinct)"
            f" ON checkpoint_id, recorded_by_id FROM {TABLE}"
        )
        cursor.execute(f"ANALYZE {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("checkpoints", "0005_visit_checkin_without_db_key")]

    operations = [migrations.RunPython(forwards, backwards)]
