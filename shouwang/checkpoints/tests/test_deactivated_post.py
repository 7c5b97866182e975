"""A deactivated checkpoint's console: its history can still be read, but staff can no
longer record anything there, from the console or from an offline upload."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from .. import tokens
from ..models import CheckIn
from .factories import make_checkin, make_checkpoint, make_pass, make_person

pytestmark = pytest.mark.django_db

STOPPED = "该卡点已停用"


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园南门")


def deactivate(gate) -> None:
    gate.active = False
    gate.save(update_fields=["active"])


def post(world, gate, view: str, **data):
    url = reverse(f"checkpoints:{view}", args=[gate.pk])
    return world.client("guard_a").post(url, {"client_id": str(uuid.uuid4()), **data})


@pytest.mark.parametrize(
    ("view", "data"),
    [
        ("console_vehicle", {"direction": "in", "plate": "豫A12345", "occupants": 2}),
        (
            "console_visitor",
            {
                "direction": "in",
                "name": "孙访客",
                "phone": "13912345678",
                "visiting": "3号楼张先生",
                "reason": "送药",
            },
        ),
        (
            "console_turn_back",
            {"direction": "in", "subject": "p", "occupants": 1, "reason": "无证"},
        ),
    ],
)
def test_it_refuses_staff_writes_at_a_deactivated_post(world, gate, view, data) -> None:
    deactivate(gate)
    response = post(world, gate, view, **data)
    assert response.status_code == 400
    assert STOPPED in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_refuses_a_pass_scan_at_a_deactivated_post(world, gate) -> None:
    pass_ = make_pass(make_person(world.building_a))
    deactivate(gate)
    response = post(
        world, gate, "console_scan", token=tokens.phone_token(pass_.code), direction="in"
    )
    assert response.status_code == 400
    assert STOPPED in response.content.decode()
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("view", ["checkin_confirm", "checkin_measure"])
def test_it_refuses_confirming_or_measuring_a_row_of_a_deactivated_post(
    world, gate, declared, view
) -> None:
    row = declared
    deactivate(gate)
    response = world.client("guard_a").post(
        reverse(f"checkpoints:{view}", args=[row.pk]), {"temperature": "38.5"}
    )
    assert response.status_code == 400
    assert STOPPED in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.temperature, row.result) == ("declared", None, "g")


def test_it_refuses_offline_items_for_a_deactivated_post(world, gate) -> None:
    row = make_checkin(gate, person=make_person(world.building_a), status="declared", source="self")
    deactivate(gate)
    items = [
        {"client_id": str(uuid.uuid4()), "checkpoint": gate.pk, "direction": "in", **extra}
        for extra in (
            {"kind": "vehicle", "plate": "豫A12345"},
            {"kind": "turn_back", "reason": "无证"},
            {"kind": "person"},
            {"kind": "confirm", "checkin": row.pk},
            {"kind": "measure", "checkin": row.pk, "temperature": "38.5"},
        )
    ]
    response = world.client("guard_a").post(
        "/api/v1/checkpoints/checkins",
        json.dumps({"items": items}),
        content_type="application/json",
    )
    body = response.json()
    assert body["failed"] == 5, body
    assert all(STOPPED in r["error"] for r in body["results"])
    assert CheckIn.objects.count() == 1
    row.refresh_from_db()
    assert (row.status, row.temperature) == ("declared", None)


def test_the_history_of_a_deactivated_post_can_still_be_read(world, gate) -> None:
    make_checkin(gate, person=make_person(world.building_a))
    deactivate(gate)
    client = world.client("guard_a")
    response = client.get(reverse("checkpoints:console_post", args=[gate.pk]))
    assert response.status_code == 200
    assert STOPPED in response.content.decode()
    rows = client.get(reverse("checkpoints:console_post", args=[gate.pk]), HTTP_HX_REQUEST="true")
    assert rows.content.decode().count('class="row') == 1
