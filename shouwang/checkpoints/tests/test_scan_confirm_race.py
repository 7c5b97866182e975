"""A staff scan confirms the holder's pending self-scan in one conditional UPDATE worked
out from the row as read. If another member of staff changed the row in between (记录体温,
or 确认在场), that UPDATE writes nothing and the scan confirms the row as it is now."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from shouwang.watch.models import Alert

from .. import tokens
from ..actions import console
from ..models import CheckIn
from .test_scan_confirms_self_scan import self_scanned

pytestmark = pytest.mark.django_db


def changed_after_read(monkeypatch, **change) -> None:
    """The pending self-scan is read, then changed by someone else before the scan's
    UPDATE."""
    read = console._seen_before

    def then_changed(**kwargs):
        done, row = read(**kwargs)
        CheckIn.objects.filter(pk=row.pk).update(**change)
        return done, row

    monkeypatch.setattr(console, "_seen_before", then_changed)


def scan(world, gate, row: CheckIn, temperature: str):
    data = {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(row.pass_used.code),
        "direction": row.direction,
        "temperature": temperature,
    }
    url = reverse("checkpoints:console_scan", args=[gate.pk])
    return world.client("guard_a").post(url, data), data


def test_a_reading_taken_meanwhile_is_replaced_by_the_scan_s(world, gate, monkeypatch) -> None:
    row = self_scanned(world, gate)
    changed_after_read(monkeypatch, temperature=Decimal("36.8"), recorded_by=world.staff_a)
    response, data = scan(world, gate, row, "37.0")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?last={row.pk}")
    row.refresh_from_db()
    assert (row.status, row.temperature, str(row.confirm_client_id), row.recorded_by) == (
        "confirmed",
        Decimal("37.0"),
        data["client_id"],
        world.guard_a,
    )
    assert CheckIn.objects.filter(direction=row.direction).count() == 1


def test_a_row_confirmed_meanwhile_is_still_the_same_passage(world, gate, monkeypatch) -> None:
    row = self_scanned(world, gate)
    changed_after_read(monkeypatch, status="confirmed", recorded_by=world.staff_a)
    response, data = scan(world, gate, row, "36.6")
    assert response.status_code == 302
    row.refresh_from_db()
    # The first confirmation stands; the scan is recorded on it with its reading.
    assert (row.status, row.recorded_by, row.temperature, str(row.confirm_client_id)) == (
        "confirmed",
        world.staff_a,
        Decimal("36.6"),
        data["client_id"],
    )
    assert CheckIn.objects.filter(direction=row.direction).count() == 1


def test_a_fever_scanned_on_the_fast_path_is_alerted(world, gate) -> None:
    row = self_scanned(world, gate)
    response, _ = scan(world, gate, row, "38.5")
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.result, row.temperature) == ("confirmed", "r", Decimal("38.5"))
    assert "体温 38.5℃，达到发热标准" in row.note
    assert Alert.objects.filter(kind=Alert.Kind.FEVER).count() == 1
