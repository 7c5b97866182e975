"""Overlapping key areas: a building in a marked compound is covered by it (marked on
its own only at a stricter level), a compound may be marked over a marked building, and
the daily report counts a compound and the buildings marked inside it once."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from shouwang.cases.key_areas import key_area_for
from shouwang.cases.models import KeyArea
from shouwang.reports.rollup import auto_values

from .factories import make_key_area, mark_data


def test_a_building_in_a_marked_compound_is_refused_as_already_covered(world, today):
    make_key_area(world.compound_a, level=KeyArea.Level.STRICT)
    client = world.client("hq")
    for level in ("follow_up", "strict"):
        response = client.post(
            reverse("cases:key_area_new"), mark_data(world.building_a, today, level=level)
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert f"该区域所在的{world.compound_a.name}在此期间已是重点区域" in body
        assert "已包含该区域，无需重复标记" in body
    assert KeyArea.objects.count() == 1


def test_a_building_in_a_compound_followed_up_may_be_sealed(world, today):
    make_key_area(world.compound_a, level=KeyArea.Level.FOLLOW_UP)
    response = world.client("hq").post(
        reverse("cases:key_area_new"), mark_data(world.building_a, today, level="sealed")
    )
    assert response.status_code == 302
    assert key_area_for(world.building_a).level == KeyArea.Level.SEALED
    assert auto_values(world.community_a, today)["key_areas"] == 1


def test_a_compound_over_a_marked_building_is_marked_and_counted_once(world, today):
    building = make_key_area(world.building_a, start_date=today - timedelta(days=2))
    client = world.client("hq")
    response = client.post(
        reverse("cases:key_area_new"),
        mark_data(world.compound_a, today, level="follow_up"),
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"已标记重点区域：{world.compound_a.name}" in body
    assert f"区域内已另行标记的{world.building_a.name}（通行从严）仍按各自级别管控" in body
    assert KeyArea.objects.count() == 2
    assert key_area_for(world.building_a) == building  # the stricter mark applies
    assert auto_values(world.community_a, today)["key_areas"] == 1
    # Two days ago only the building was marked: one key area then too.
    assert auto_values(world.community_a, today - timedelta(days=1))["key_areas"] == 1


def test_lifting_the_compound_leaves_the_building_counted(world, today):
    make_key_area(world.building_a, start_date=today - timedelta(days=2))
    compound = make_key_area(world.compound_a, start_date=today - timedelta(days=2))
    assert auto_values(world.community_a, today)["key_areas"] == 1
    response = world.client("hq").post(
        reverse("cases:key_area_lift", args=[compound.pk]), {"reason": "14天无新增"}
    )
    assert response.status_code == 302
    assert auto_values(world.community_a, today)["key_areas"] == 1
    assert auto_values(world.community_a, today - timedelta(days=1))["key_areas"] == 1


def test_two_buildings_marked_on_their_own_are_two_key_areas(world, today):
    make_key_area(world.building_a)
    make_key_area(world.building_a2)
    assert auto_values(world.community_a, today)["key_areas"] == 2
