"""Who is a key person now, as other apps ask (check-in rules ask on every scan)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from ..models import (
    KeyPerson,
)


def active_key_person(person: Any) -> KeyPerson | None:
    """The person's current key-person record, if any (used by check-in rules)."""
    if person is None:
        return None
    # On the check-in hot path nearly every answer is "none": ask with one plain
    # indexed query (a person has at most one active record, a database constraint)
    # and build the ORM query only when there is a record to load.
    sql, params = active_key_person_sql("%s")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [person.pk, *params])
        row = cursor.fetchone()
    return key_person_by_id(row[0])


def active_key_person_sql(person_column: str) -> tuple[str, list[Any]]:
    """A scalar subquery giving the id of the active key-person record of the person
    in ``person_column`` (NULL if none), and its parameters (after the column's, when
    that is a placeholder): for a hot path that asks in a query it already makes."""
    table = connection.ops.quote_name(KeyPerson._meta.db_table)
    sql = f"(SELECT k.id FROM {table} k WHERE k.person_id = {person_column} AND k.status = %s)"  # noqa: S608
    return sql, [KeyPerson.Status.ACTIVE]


def key_person_by_id(pk: int | None) -> KeyPerson | None:
    """The record ``active_key_person_sql`` named (with its category), or None."""
    if pk is None:
        return None
    return KeyPerson.objects.select_related("category").get(pk=pk)
