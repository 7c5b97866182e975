"""Two first buildings of one compound created at the same moment: the compound's row
is locked before its 应有户数 is read, so it is cleared, and audited, once. Real
threads with their own PostgreSQL connections; on SQLite ``BEGIN IMMEDIATE``
serialises writers, so the race cannot happen there."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shouwang.accounts.models import AuditEvent
from shouwang.areas import actions
from shouwang.areas.models import Area
from shouwang.areas.tests.factories import child
from shouwang.core.tests.personas import World
from shouwang.core.tests.races import at_once

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="in-process threads need PostgreSQL"
)


@on_postgresql
@pytest.mark.django_db
def test_clearing_locks_the_compound(world: World) -> None:
    compound = child(world.community_a, "东城小区", expected_households=120)
    with CaptureQueriesContext(connection) as queries:
        actions.create_area(name="1号楼", kind=Area.Kind.BUILDING, parent=compound)
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert any(f'"areas_area"."id" = {compound.pk}' in sql for sql in locks), locks


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_first_buildings_at_once_clear_the_households_once(world: World, monkeypatch) -> None:
    compound = child(world.community_a, "东城小区", expected_households=120)
    barrier = threading.Barrier(2)
    real = Area.clear_households_for_buildings

    def together(self: Area) -> str:
        barrier.wait(timeout=10)  # both buildings inserted, neither committed
        return real(self)

    monkeypatch.setattr(Area, "clear_households_for_buildings", together)
    notices: list[list[str]] = [[], []]
    results = at_once(
        2,
        lambda i: actions.create_area(
            name=f"{i + 1}号楼",
            kind=Area.Kind.BUILDING,
            parent=Area.objects.get(pk=compound.pk),
            by=world.hq,
            notices=notices[i],
        ),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert sorted(len(n) for n in notices) == [0, 1]
    assert compound.children.count() == 2
    compound.refresh_from_db()
    assert compound.expected_households is None
    cleared = AuditEvent.objects.filter(detail__contains="原填写的应有户数 120 已清除")
    assert cleared.count() == 1
