"""The database itself refuses to change the audit log."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.tests.personas import World


@pytest.fixture
def event(world: World) -> AuditEvent:
    return audit.record(action=AuditEvent.Action.EXPORT, user=world.hq, detail="原始")


def test_it_refuses_an_update(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail="篡改")
    event.refresh_from_db()
    assert event.detail == "原始"


def test_it_refuses_a_save_of_a_loaded_row(event: AuditEvent) -> None:
    event.detail = "篡改"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite: the test runner's flush deletes rows"
)
def test_it_refuses_a_delete_on_postgresql(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
