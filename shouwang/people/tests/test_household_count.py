"""A household's page counts the persons living there; those moved out are listed
(kept, never deleted) and counted apart, as 户不漏人 counts residents."""

from django.urls import reverse

from .factories import make_household, make_person


def test_moved_out_persons_are_counted_apart(world):
    household = make_household(world.building_a)
    make_person(household, "刘备")
    make_person(household, "关羽")
    make_person(household, "张飞", moved_out=True)
    page = world.client("staff_a").get(reverse("people:household", args=[household.pk]))
    text = page.content.decode()
    assert "人员（2，另有已迁出1人）" in text
    assert "张飞" in text


def test_a_household_with_nobody_moved_out_has_a_plain_count(world):
    household = make_household(world.building_a)
    make_person(household, "刘备")
    page = world.client("staff_a").get(reverse("people:household", args=[household.pk]))
    assert "人员（1）" in page.content.decode()
