"""A checkpoint's alerts store the moment of the passage with its year (2026年3月5日
10:05, not 3月5日 10:05): the text is kept, and read next year it would be next
year's day."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.core.text import moment_label

from .. import tokens
from ..models import CheckIn
from .factories import make_checkin, make_checkpoint, make_pass, make_person, observe

pytestmark = pytest.mark.django_db


def full(at) -> str:
    local = timezone.localtime(at)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def test_a_person_under_observation_scanned_is_alerted_with_the_year(world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    person = make_person(world.building_a, "欧阳明辉")
    observe(person)
    token = tokens.phone_token(make_pass(person).code)
    world.client("guard_a").post(
        reverse("checkpoints:console_scan", args=[gate.pk]),
        {"client_id": str(uuid.uuid4()), "token": token, "direction": "in"},
    )
    at = CheckIn.objects.get().at
    page = world.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert f"{full(at)} 在西城花园北门" in page
    assert moment_label(at) != full(at)  # the pages' form of this year has none


def test_a_fever_at_the_gate_is_alerted_with_the_year(world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    row = make_checkin(gate, person=make_person(world.building_a), status="declared", source="self")
    world.client("guard_a").post(
        reverse("checkpoints:checkin_confirm", args=[row.pk]), {"temperature": "38.1"}
    )
    page = world.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert f"{full(row.at)}，请立即按规定处置" in page
