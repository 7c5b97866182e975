"""A visitor leaving (出) a key area (重点区域). The visitor rule is about letting
visitors in, so a visitor leaving a strict area (通行从严) goes, with the area's
warning, and is counted in 出. A sealed area (封闭管理) keeps everyone inside, visitors
too — whoever was there when it was sealed is as exposed as the residents — so a
visitor's 出 there is turned back by the rule itself, as a resident's is: 红, counted in
劝返, never in 出 (``test_sealed_exit_turned_back.py``)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from shouwang.cases.tests.factories import make_key_area

from .. import tokens
from ..models import CheckIn, Pass
from .factories import make_pass, make_person

pytestmark = pytest.mark.django_db


def visitor_pass(world) -> Pass:
    return make_pass(make_person(world.building_a, "孙访客"), visitor=True)


def scan_out(world, gate, pass_: Pass):
    data = {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(pass_.code),
        "direction": "out",
    }
    return world.client("guard_a").post(reverse("checkpoints:console_scan", args=[gate.pk]), data)


def test_a_visitor_leaving_a_strict_key_area_goes_and_is_counted_out(world, gate) -> None:
    make_key_area(world.compound_a, level="strict")
    assert scan_out(world, gate, visitor_pass(world)).status_code == 302
    row = CheckIn.objects.get()
    assert (row.status, row.result) == ("confirmed", "y")
    assert row.note == "重点区域通行从严，请值守人员测温登记"
    figures = CheckIn.objects.figures()
    assert (figures["people_out"], figures["people_turned_back"]) == (1, 0)


def test_a_visitor_leaving_a_sealed_key_area_is_stopped(world, gate) -> None:
    make_key_area(world.compound_a, level="sealed")
    guard = world.client("guard_a")
    response = scan_out(world, gate, visitor_pass(world))
    row = CheckIn.objects.get()
    assert (row.status, row.result) == ("turned_back", "r")
    assert row.note == "劝返：所在区域封闭管理，不得外出"
    assert 'id="verdict" data-result="r"' in guard.get(response["Location"]).content.decode()
    # 劝返此人 pressed as well changes nothing more.
    guard.post(reverse("checkpoints:checkin_turn_back", args=[row.pk]), {"reason": "封闭管理"})
    figures = CheckIn.objects.figures()
    assert (figures["people_out"], figures["people_turned_back"]) == (0, 1)
