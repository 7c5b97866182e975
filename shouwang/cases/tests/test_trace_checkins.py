"""Tracing reads the real check-in table when no other presence source is configured."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shouwang.cases.presence import current_source, trace
from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint, make_person

pytestmark = pytest.mark.django_db


def test_the_checkpoints_app_is_the_presence_source():
    source = current_source()
    assert (source.table, source.ts) == ("checkpoints_checkin", "at")


def test_it_finds_who_passed_the_same_checkpoint_within_the_window(world):
    gate = make_checkpoint(world.compound_a)
    other_gate = make_checkpoint(world.compound_b)
    case = make_person(world.building_a, "王病例", room="101")
    near = make_person(world.building_a, "李同时", room="102")
    late = make_person(world.building_a, "赵稍晚", room="103")
    elsewhere = make_person(world.building_b, "钱别处", room="201")
    at = timezone.now() - timedelta(hours=3)
    make_checkin(gate, person=case, at=at)
    make_checkin(gate, person=near, at=at + timedelta(minutes=15))  # edge: included
    make_checkin(gate, person=late, at=at + timedelta(minutes=15, seconds=1))
    make_checkin(other_gate, person=elsewhere, at=at)

    result = trace(
        person=case, start=at - timedelta(hours=1), end=at + timedelta(hours=1), window_minutes=15
    )

    assert [p.checkpoint_id for p in result.passes] == [gate.pk]
    assert [hit.person_id for hit in result.hits] == [near.pk]
