"""Multi-row INSERTs for the import and the demo ledger.

Django's ``bulk_create`` spends most of its time in Python, building a model instance
and preparing every value field by field (measured: ~85% of an import's commit on
SQLite). Here rows are plain dicts keyed by attribute name; only dates, times and
JSON go through the backend's adapters, and each statement carries as many rows as
the database takes. The SQL is the same on SQLite (≥ 3.35) and PostgreSQL:
``INSERT … VALUES (…), (…) [ON CONFLICT DO NOTHING] RETURNING id``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connections, models


class BulkInsert:
    def __init__(self, model: type[models.Model], *, now: datetime, using: str = "default"):
        self.connection = connections[using]
        ops = self.connection.ops
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in fields]
        self.adapters: list[tuple[str, Callable[[Any], Any]]] = []
        for f in fields:
            if isinstance(f, models.DateTimeField):
                self.adapters.append((f.attname, ops.adapt_datetimefield_value))
            elif isinstance(f, models.DateField):
                self.adapters.append((f.attname, ops.adapt_datefield_value))
            elif isinstance(f, models.JSONField):
                self.adapters.append(
                    (f.attname, lambda v, f=f: f.get_db_prep_save(v, self.connection))
                )
        # Defaults in database form once: the field's default, "" for text, else None;
        # timestamps (auto_now, auto_now_add) are ``now``.
        defaults = {
            f.attname: now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default()
            for f in fields
        }
        self.defaults = self._adapted(defaults)
        quote = ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in fields)
        self.pk = quote(model._meta.pk.column)
        self.db_table, self.pk_column = model._meta.db_table, model._meta.pk.column
        limit = 60_000 if self.connection.vendor == "postgresql" else 30_000
        self.per_statement = max(1, min(1000, limit // len(fields)))

    def _adapted(self, row: dict[str, Any]) -> dict[str, Any]:
        for name, adapt in self.adapters:
            if row.get(name) is not None:
                row[name] = adapt(row[name])
        return row

    def values(self, row: dict[str, Any]) -> list[Any]:
        merged = self.defaults | self._adapted(dict(row))
        return [merged[name] for name in self.attnames]

    def insert(
        self, rows: Sequence[dict[str, Any]], *, ignore_conflicts: bool = False
    ) -> list[int]:
        """Insert ``rows``; returns the new ids in order (only the inserted ones when
        conflicts are ignored)."""
        if not rows:
            return []
        if self.connection.vendor == "postgresql" and not ignore_conflicts:
            return self._copy(rows)
        ids: list[int] = []
        width = len(self.attnames)
        one = "(" + ", ".join(["%s"] * width) + ")"
        conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), self.per_statement):
                chunk = rows[start : start + self.per_statement]
                params = [v for row in chunk for v in self.values(row)]
                cursor.execute(
                    f"INSERT INTO {self.table} ({self.columns}) VALUES "  # noqa: S608 - names from the model
                    f"{', '.join([one] * len(chunk))}{conflict} RETURNING {self.pk}",
                    params,
                )
                # RETURNING emits rows in no promised order; ids grow in insertion order.
                ids.extend(sorted(r[0] for r in cursor.fetchall()))
        return ids

    def _copy(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """PostgreSQL: take ids from the table's sequence, then COPY the rows with them.
        (A statement with thousands of placeholders spends longer being split into
        parameters by the client than being executed.)"""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.db_table, self.pk_column, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            copy_sql = f"COPY {self.table} ({self.pk}, {self.columns}) FROM STDIN"
            # The driver's own cursor: its errors are translated here (a row the unique
            # constraint refuses is Django's IntegrityError, as from an INSERT).
            with self.connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row([pk, *self.values(row)])
        return ids


def insert_pairs(
    through: type[models.Model],
    pairs: Iterable[tuple[int, int]],
    columns: tuple[str, str],
    *,
    using: str = "default",
) -> None:
    """Rows of a two-column link table (a many-to-many ``through``)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    pairs = list(pairs)
    if not pairs:
        return
    sql = (
        f"INSERT INTO {quote(through._meta.db_table)} "  # noqa: S608 - names from the model
        f"({quote(columns[0])}, {quote(columns[1])}) VALUES (%s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, pairs)
