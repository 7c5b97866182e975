"""One-row INSERT for the hottest write paths, without the ORM's per-call SQL compiler.

``Model.save(force_insert=True)`` compiles the same INSERT statement on every call
(about a third of a millisecond, a sixth of a one-tap check-in's server time). ``insert``
compiles it once per model and database vendor and binds the values each call through
the fields' own ``pre_save`` and ``get_db_prep_save``, so stored values are exactly what
``save()`` stores. It sends no ``pre_save``/``post_save`` signals: use it only for models
that have no receivers and no custom ``save()``.

``synchronous_commit=False`` asks PostgreSQL to commit this row asynchronously (a crash
can lose the last fraction of a second of such rows, never corrupt anything): the
``SET LOCAL`` travels in the same round trip as the INSERT. Outside a transaction the two
statements form one implicit transaction, so a lone row costs one round trip instead of
four (BEGIN, SET, INSERT, COMMIT). Other databases ignore it.

``once`` (PostgreSQL) inserts the row only if no row matches ``once.where`` yet, under a
transaction-scoped advisory lock on ``once.lock``: the idempotency key of a table whose
unique constraints cannot cover it (a partitioned table's must include the partition
key). The lock, the check and the INSERT travel in the same round trip; a concurrent
insert of the same key waits for the first to commit and then finds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connections, models

_statements: dict[tuple[type[models.Model], str, str], tuple[str, list[models.Field]]] = {}


@dataclass(frozen=True)
class Once:
    """Insert only if no row matches ``where`` (SQL over the table's columns, with
    ``params``), holding the advisory lock ``lock`` (two int4 keys) while checking."""

    lock: tuple[int, int]
    where: str
    params: list[Any]


def _statement(
    model: type[models.Model], using: str, where: str = ""
) -> tuple[str, list[models.Field]]:
    connection = connections[using]
    key = (model, connection.vendor, where)
    found = _statements.get(key)
    if found is None:
        qn = connection.ops.quote_name
        meta = model._meta
        table = qn(meta.db_table)
        fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
        columns = ", ".join(qn(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        # Only model metadata and the caller's fixed condition are interpolated; values
        # are bound parameters.
        if where:
            sql = (
                f"INSERT INTO {table} ({columns}) SELECT {marks}"  # noqa: S608
                f" WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {where})"
            )
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        if meta.auto_field is not None and connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {qn(meta.auto_field.column)}"
        found = _statements[key] = (sql, fields)
    return found


ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF; "
LOCK = "SELECT pg_advisory_xact_lock(%s, %s); "


def insert(
    instance: models.Model,
    using: str = "default",
    *,
    synchronous_commit: bool = True,
    once: Once | None = None,
) -> None:
    """Insert ``instance`` as a new row and set its primary key, like
    ``save(force_insert=True)``; raises the same ``IntegrityError`` on a duplicate, and
    on a row matching ``once`` (PostgreSQL only)."""
    model = type(instance)
    connection = connections[using]
    if once is not None and connection.vendor != "postgresql":
        raise NotImplementedError("insert(once=...) needs PostgreSQL's advisory locks")
    sql, fields = _statement(model, using, once.where if once else "")
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    relaxed = not synchronous_commit and connection.vendor == "postgresql"
    prefix, before = "", []
    if relaxed:
        prefix += ASYNC_COMMIT
    if once is not None:
        prefix += LOCK
        before = list(once.lock)
        params += once.params
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, before + params)
        for _ in range(prefix.count("; ")):
            cursor.nextset()  # past the SET's and the lock's results, to the INSERT's
        auto = model._meta.auto_field
        if auto is not None:
            if connection.features.can_return_columns_from_insert:
                returned = cursor.fetchone()
                if returned is None:  # only a ``once`` INSERT ... SELECT returns no row
                    raise IntegrityError(f"{model._meta.db_table}: {once.where} already stored")
                pk = returned[0]
            else:
                pk = cursor.lastrowid
            setattr(instance, auto.attname, pk)
        elif once is not None and cursor.rowcount == 0:
            raise IntegrityError(f"{model._meta.db_table}: {once.where} already stored")
    instance._state.adding = False
    instance._state.db = using
