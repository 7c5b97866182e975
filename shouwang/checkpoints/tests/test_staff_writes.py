"""Vehicles, visitors and 劝返 recorded by staff: one action each, whether the write
comes from the post's console or from the batch upload of a phone that was offline."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from .. import actions
from ..models import CheckIn, Visit
from .factories import make_checkpoint

pytestmark = pytest.mark.django_db

FIELDS = ("direction", "subject", "status", "result", "plate", "occupants", "visitor", "note")


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def console(world, gate, view: str, **data) -> CheckIn:
    client_id = str(uuid.uuid4())
    url = reverse(f"checkpoints:{view}", args=[gate.pk])
    response = world.client("guard_a").post(url, {"client_id": client_id, **data})
    assert response.status_code == 302
    return CheckIn.objects.get(client_id=client_id)


def uploaded(world, gate, kind: str, **item) -> CheckIn:
    client_id = str(uuid.uuid4())
    body = {"items": [{"client_id": client_id, "checkpoint": gate.pk, "kind": kind, **item}]}
    response = world.client("guard_a").post(
        "/api/v1/checkpoints/checkins", json.dumps(body), content_type="application/json"
    )
    assert response.json()["stored"] == 1, response.json()
    return CheckIn.objects.get(client_id=client_id)


def same(a: CheckIn, b: CheckIn) -> None:
    assert [getattr(a, f) for f in FIELDS] == [getattr(b, f) for f in FIELDS]
    assert (a.source, b.source) == ("staff", "api")
    assert a.recorded_by == b.recorded_by


def test_a_vehicle_is_the_same_row_from_the_console_and_the_upload(world, gate) -> None:
    typed = {"direction": "in", "plate": "豫A12345", "occupants": 3}
    a = console(world, gate, "console_vehicle", **typed)
    same(a, uploaded(world, gate, "vehicle", **typed))


def test_a_visitor_is_the_same_row_from_the_console_and_the_upload(world, gate) -> None:
    typed = {"name": "孙访客", "phone": "13912345678", "visiting": "3号楼张先生", "reason": "送药"}
    a = console(world, gate, "console_visitor", direction="in", **typed)
    b = uploaded(world, gate, "visitor", direction="in", **typed)
    same(a, b)
    assert a.note == "访客：拜访3号楼张先生"
    assert Visit.objects.get(checkin=a).reason == Visit.objects.get(checkin=b).reason == "送药"


def test_a_turn_back_is_the_same_row_from_the_console_and_the_upload(world, gate) -> None:
    a = console(
        world, gate, "console_turn_back", direction="in", subject="p", occupants=2, reason="无证"
    )
    b = uploaded(world, gate, "turn_back", direction="in", occupants=2, reason="无证")
    same(a, b)
    assert (a.status, a.result, a.note) == ("turned_back", "r", "劝返：无证")


def test_the_actions_record_what_staff_saw(world, gate) -> None:
    common = {"checkpoint": gate, "direction": "in", "by": world.guard_a}
    car = actions.record_vehicle(
        **common,
        client_id=uuid.uuid4(),
        plate="豫A54321",
        occupants=2,
        temperature=Decimal("38.0"),
    ).checkin
    assert (car.subject, car.status, car.result) == ("v", "confirmed", "r")
    guest = actions.record_visitor(
        **common,
        client_id=uuid.uuid4(),
        name="孙访客",
        phone="13912345678",
        visiting="3号楼张先生",
        reason="送药",
    ).checkin
    assert (guest.visitor, guest.result, guest.visit.phone_masked) == (True, "g", "139****5678")
    back = actions.turn_back(
        **common,
        client_id=uuid.uuid4(),
        subject="v",
        plate="豫A11111",
        occupants=4,
        reason="外地车辆",
    ).checkin
    assert (back.status, back.occupants, back.note) == ("turned_back", 4, "劝返：外地车辆")
