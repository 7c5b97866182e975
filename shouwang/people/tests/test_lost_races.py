"""Two people registering the same flat, or naming a tag alike, at the same moment:
the second gets the message a later duplicate gets, a 400, and nothing is written
(see ``shouwang.core.tests.races``)."""

from __future__ import annotations

from django.urls import reverse

from shouwang.core.tests.races import rival_after_checks
from shouwang.people.models import Change, Household, Tag
from shouwang.people.tests.factories import make_household


def test_a_flat_registered_at_the_same_moment_gets_the_message(world):
    make_household(world.building_a, room="502", unit="3")
    changes = Change.objects.count()
    with rival_after_checks(Household):
        response = world.client("staff_a").post(
            reverse("people:household_create", args=[world.building_a.pk]),
            {"unit": "3", "room": "502", "housing_type": "owned"},
        )
    assert response.status_code == 400
    assert "该楼栋已登记相同单元和房号的户" in response.content.decode()
    assert Household.objects.filter(area=world.building_a, room="502").count() == 1
    assert Change.objects.count() == changes


def test_a_tag_named_at_the_same_moment_gets_the_message(world):
    Tag.objects.create(name="高龄老人")
    with rival_after_checks(Tag):
        response = world.client("hq").post(
            reverse("people:tags"), {"name": "高龄老人", "order": "5"}
        )
    assert response.status_code == 400
    assert "已有同名的标签，请换一个名称" in response.content.decode()
    assert Tag.objects.filter(name="高龄老人").count() == 1


def test_a_tag_renamed_to_a_name_taken_at_the_same_moment_gets_the_message(world):
    Tag.objects.create(name="高龄老人")
    tag = Tag.objects.create(name="待改名标签")
    with rival_after_checks(Tag):
        response = world.client("hq").post(
            reverse("people:tag_edit", args=[tag.pk]), {"name": "高龄老人", "order": "5"}
        )
    assert response.status_code == 400
    assert "已有同名的标签，请换一个名称" in response.content.decode()
    tag.refresh_from_db()
    assert tag.name == "待改名标签"
