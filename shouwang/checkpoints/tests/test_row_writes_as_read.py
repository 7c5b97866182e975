"""确认在场 and 劝返此人 on a row of the post's list read the row once (the view's
lookup) and write it with one UPDATE on condition that it is still as read. A row
changed by another member of staff in between is read again, locked, and the write
applies to it as it is now: a second confirmation never replaces the first's who and
when, a second 劝返 never adds its reason twice."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from .. import views
from ..models import CheckIn
from .factories import make_checkin, make_person
from .test_console_queries import statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def guard(world, gate):
    client = world.client("guard_a")
    client.get(reverse("checkpoints:console_post", args=[gate.pk]))
    return client


def declared(world, gate, **fields) -> CheckIn:
    values = {"status": "declared", "source": "self", "result": "g", **fields}
    return make_checkin(gate, person=make_person(world.building_a), **values)


def changed_after_read(monkeypatch, **change) -> None:
    """The view reads the row, then someone else changes it before the action writes."""
    read = views._checkin

    def then_changed(request, pk):
        row = read(request, pk)
        CheckIn.objects.filter(pk=pk).update(**change)
        return row

    monkeypatch.setattr(views, "_checkin", then_changed)


def test_a_second_confirmation_at_once_keeps_the_first(world, gate, guard, monkeypatch) -> None:
    row = declared(world, gate)
    first = row.at
    changed_after_read(
        monkeypatch, status="confirmed", confirmed_at=first, recorded_by=world.staff_a
    )
    response = guard.post(
        reverse("checkpoints:checkin_confirm", args=[row.pk]), {"temperature": "36.7"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.recorded_by, row.confirmed_at, row.temperature) == (
        "confirmed",
        world.staff_a,
        first,
        Decimal("36.7"),
    )


def test_a_confirmation_after_a_reading_taken_meanwhile(world, gate, guard, monkeypatch) -> None:
    row = declared(world, gate)
    changed_after_read(monkeypatch, temperature=Decimal("36.4"), recorded_by=world.staff_a)
    response = guard.post(reverse("checkpoints:checkin_confirm", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.recorded_by, row.temperature) == (
        "confirmed",
        world.guard_a,
        Decimal("36.4"),
    )
    assert row.confirmed_at is not None


def test_turning_back_a_row_reads_it_once_and_writes_it_once(world, gate, guard) -> None:
    row = declared(world, gate, result="r", fever=True, note="申报发热")
    with statements() as seen:
        response = guard.post(
            reverse("checkpoints:checkin_turn_back", args=[row.pk]), {"reason": "发热，劝其就医"}
        )
    assert response.status_code == 302
    assert (len(seen.row_reads), len(seen.row_writes)) == (1, 1), seen.sql
    row.refresh_from_db()
    assert (row.status, row.result, row.recorded_by, row.note) == (
        "turned_back",
        "r",
        world.guard_a,
        "劝返：发热，劝其就医；申报发热",
    )


def test_a_row_turned_back_meanwhile_is_left_as_it_is(world, gate, guard, monkeypatch) -> None:
    row = declared(world, gate, result="r", fever=True, note="申报发热")
    changed_after_read(
        monkeypatch,
        status="turned_back",
        note="劝返：先到的原因；申报发热",
        recorded_by=world.staff_a,
    )
    response = guard.post(
        reverse("checkpoints:checkin_turn_back", args=[row.pk]), {"reason": "后到的原因"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.recorded_by, row.note) == (
        "turned_back",
        world.staff_a,
        "劝返：先到的原因；申报发热",
    )


def test_a_row_already_turned_back_is_not_written_again(world, gate, guard) -> None:
    row = declared(world, gate, result="r", status="turned_back", note="劝返：发热")
    with statements() as seen:
        response = guard.post(
            reverse("checkpoints:checkin_turn_back", args=[row.pk]), {"reason": "发热"}
        )
    assert response.status_code == 302
    assert (len(seen.row_reads), len(seen.row_writes)) == (1, 0), seen.sql


@pytest.mark.parametrize("meanwhile", [False, True])
def test_a_row_confirmed_by_a_staff_scan_is_turned_back(
    world, gate, guard, monkeypatch, meanwhile
) -> None:
    """The scan that confirmed a red self-scan left its client id on the row."""
    row = declared(world, gate, result="r", status="confirmed", note="申报发热")
    CheckIn.objects.filter(pk=row.pk).update(confirm_client_id=uuid.uuid4())
    if meanwhile:
        changed_after_read(monkeypatch, temperature=Decimal("38.5"))
    response = guard.post(
        reverse("checkpoints:checkin_turn_back", args=[row.pk]), {"reason": "发热，劝其就医"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.note) == ("turned_back", "劝返：发热，劝其就医；申报发热")
