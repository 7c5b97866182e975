"""A person going out (出) of a sealed key area (封闭管理) is not let through, so the
passage is recorded as 劝返 by the rule itself — status 劝返, 红, 劝返：所在区域封闭管理，
不得外出 at the head of the note — however it is recorded: the resident's own one-tap
or registration, a staff scan of the pass, or the same uploaded offline. It is counted
in 劝返, never in 出 (nor in 待确认: there is nothing for staff to confirm), as a
visitor refused coming in is. Staff scanning the pass of someone whose own tap was just
turned back so are seeing that passage: it is recorded on that row. Coming in (home)
is not refused, and a vehicle leaving (a supply van that delivered) is left to staff."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.cases.tests.factories import make_key_area

from .. import tokens
from ..models import CheckIn, Pass
from .factories import make_checkpoint, make_pass, make_person, registration
from .test_resident import tap_data

pytestmark = pytest.mark.django_db

SEALED = "劝返：所在区域封闭管理，不得外出"


@pytest.fixture
def gate(world):
    make_key_area(world.compound_a, level="sealed")
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    gate.staff.add(world.guard_a)
    return gate


def resident_pass(world) -> Pass:
    return make_pass(make_person(world.building_a, "王小明"))


def scan(world, gate, pass_: Pass, direction: str = "out"):
    data = {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(pass_.code),
        "direction": direction,
    }
    return world.client("guard_a").post(reverse("checkpoints:console_scan", args=[gate.pk]), data)


def assert_turned_back(row: CheckIn) -> None:
    assert (row.status, row.result) == (CheckIn.Status.TURNED_BACK, "r")
    assert row.note.startswith(SEALED)
    assert row.note.count("不得外出") == 1
    figures = CheckIn.objects.filter(direction="out").figures()
    assert (figures["people_out"], figures["people_turned_back"], figures["declared"]) == (
        0,
        1,
        0,
    )


def test_a_resident_s_one_tap_out_is_a_turn_back(world, gate) -> None:
    phone = Client()
    phone.post(reverse("checkin:register", args=[gate.code]), registration(world))
    first = CheckIn.objects.get()
    response = phone.post(reverse("checkin:scan", args=[gate.code]), tap_data(direction="out"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-result="r"' in body
    assert SEALED in body
    assert_turned_back(CheckIn.objects.exclude(pk=first.pk).get())


def test_a_registration_going_out_is_a_turn_back(world, gate) -> None:
    response = Client().post(
        reverse("checkin:register", args=[gate.code]), registration(world, direction="out")
    )
    assert response.status_code == 200
    assert SEALED in response.content.decode()
    row = CheckIn.objects.get()
    assert row.source == CheckIn.Source.SELF
    assert_turned_back(row)


def test_a_staff_scan_of_a_pass_going_out_is_a_turn_back(world, gate) -> None:
    response = scan(world, gate, resident_pass(world))
    assert response.status_code == 302
    row = CheckIn.objects.get()
    assert row.recorded_by == world.guard_a
    assert_turned_back(row)
    shown = world.client("guard_a").get(response["Location"]).content.decode()
    assert SEALED in shown


def test_the_staff_scan_after_the_own_tap_adds_no_second_row(world, gate) -> None:
    phone = Client()
    phone.post(reverse("checkin:register", args=[gate.code]), registration(world))
    first = CheckIn.objects.get()
    phone.post(reverse("checkin:scan", args=[gate.code]), tap_data(direction="out"))
    own = CheckIn.objects.exclude(pk=first.pk).get()
    response = scan(world, gate, own.pass_used)
    assert response["Location"].endswith(f"?last={own.pk}")
    shown = world.client("guard_a").get(response["Location"]).content.decode()
    assert "已扫码申报，已按规定劝返（不重复登记）" in shown
    assert CheckIn.objects.count() == 2
    own.refresh_from_db()
    assert own.recorded_by == world.guard_a
    assert_turned_back(own)


def test_the_offline_upload_turns_the_pass_back_too(world, gate) -> None:
    item = {
        "client_id": str(uuid.uuid4()),
        "kind": "pass",
        "checkpoint": gate.pk,
        "direction": "out",
        "at": timezone.now().isoformat(),
        "token": tokens.phone_token(resident_pass(world).code),
    }
    response = world.client("guard_a").post(
        reverse("api:checkins_batch"),
        json.dumps({"items": [item]}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["ok"]
    assert_turned_back(CheckIn.objects.get())


def test_coming_in_is_not_turned_back(world, gate) -> None:
    scan(world, gate, resident_pass(world), direction="in")
    row = CheckIn.objects.get()
    assert row.status == CheckIn.Status.CONFIRMED
    assert CheckIn.objects.figures()["people_in"] == 1


def test_a_vehicle_leaving_is_left_to_staff(world, gate) -> None:
    data = {"client_id": str(uuid.uuid4()), "plate": "豫A12345", "occupants": "1"}
    data["direction"] = "out"
    world.client("guard_a").post(reverse("checkpoints:console_vehicle", args=[gate.pk]), data)
    row = CheckIn.objects.get()
    assert (row.status, row.result) == (CheckIn.Status.CONFIRMED, "r")
    assert row.note == "所在区域封闭管理，不得外出"
