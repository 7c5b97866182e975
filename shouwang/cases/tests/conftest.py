"""A presence table for tracing tests: the (checkpoint_id, person_id, ts) shape the
check-in table will have, created inside each test's transaction (so it vanishes with
it) on SQLite and PostgreSQL alike. Production code never has such a table of its own."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection, models

from shouwang.cases.presence import PresenceSource

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
