"""``all_visible_to``: whether a user may see every row, asked from the places outside
their subtree (so a per-row scope check of thousands of rows can be skipped)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shouwang.areas.actions import create_area
from shouwang.areas.models import Area
from shouwang.checkpoints.tests.factories import make_person
from shouwang.core import access
from shouwang.people.models import Person

pytestmark = pytest.mark.django_db


def test_hq_sees_every_resident_and_a_community_does_not(world) -> None:
    make_person(world.building_a, "甲")
    make_person(world.building_b, "乙")
    assert Person.objects.all_visible_to(world.hq)
    assert not Person.objects.all_visible_to(world.staff_a)
    assert Person.objects.filter(area=world.building_a).all_visible_to(world.staff_a)


def test_a_resident_outside_hqs_subtree_is_noticed(world) -> None:
    make_person(world.building_a, "甲")
    assert Person.objects.all_visible_to(world.hq)
    other = create_area(name="东风街道", kind=Area.Kind.SUBDISTRICT, parent=world.district)
    assert Person.objects.all_visible_to(world.hq), "an empty place outside changes nothing"
    community = create_area(name="东风社区", kind=Area.Kind.COMMUNITY, parent=other)
    compound = create_area(name="东风小区", kind=Area.Kind.COMPOUND, parent=community)
    building = create_area(name="1号楼", kind=Area.Kind.BUILDING, parent=compound)
    make_person(building, "丙")
    assert not Person.objects.all_visible_to(world.hq)


def test_it_probes_the_places_outside_not_the_rows_inside(world) -> None:
    for n in range(5):
        make_person(world.building_a, f"甲{n}")
    with CaptureQueriesContext(connection) as queries:
        assert Person.objects.all_visible_to(world.hq)
    assert len(queries) == 2
    probe = queries[-1]["sql"]
    assert f"IN ({world.district.pk})" in probe, probe


def test_too_many_places_outside_answer_no(world, monkeypatch) -> None:
    monkeypatch.setattr(access, "OUTSIDE_PROBES", 0)
    assert not Person.objects.all_visible_to(world.hq)


def test_a_disabled_user_sees_nothing(world) -> None:
    make_person(world.building_a, "甲")
    world.hq.is_active = False
    assert not Person.objects.all_visible_to(world.hq)
