"""household_at reads 单元 and 房号 as the household form and the import do, so a flat
typed "2单元 301室" at a checkpoint is the household the form registered as 2 / 301."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from shouwang.checkpoints.tests.factories import make_checkpoint, registration
from shouwang.people import actions
from shouwang.people.addresses import ROOM_APART, ROOM_NO_NUMBER
from shouwang.people.models import Household, Person

pytestmark = pytest.mark.django_db


def test_it_finds_the_household_the_form_registered(world) -> None:
    response = world.client("staff_a").post(
        reverse("people:household_create", args=[world.building_a.pk]),
        {"version": "", "unit": "2单元", "room": "301室", "housing_type": "owned"},
    )
    assert response.status_code == 302
    registered = Household.objects.get(area=world.building_a)
    assert (registered.unit, registered.room) == ("2", "301")
    for unit, room in [("2单元", "301室"), ("二单元", " 301 "), ("２", "３０１")]:
        found = actions.household_at(area=world.building_a, unit=unit, room=room, by=None)
        assert found.pk == registered.pk
    assert Household.objects.filter(area=world.building_a).count() == 1


def test_it_creates_a_new_household_as_the_form_would_store_it(world) -> None:
    created = actions.household_at(area=world.building_a, unit="3单元", room="502室", by=None)
    assert (created.unit, created.room) == ("3", "502")


@pytest.mark.parametrize(
    ("unit", "room", "message"),
    [
        ("东", "301", "单元请填写数字，如 2 或 2单元"),
        ("2", "301 13800138000", ROOM_APART),
        ("2", "室", ROOM_NO_NUMBER),
    ],
)
def test_it_refuses_what_the_form_refuses(world, unit, room, message) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.household_at(area=world.building_a, unit=unit, room=room, by=None)
    assert message in refused.value.messages
    assert not Household.objects.exists()


def test_a_checkpoint_registration_joins_the_form_s_household(world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    home = actions.create_household(
        area=world.building_a, fields={"unit": "2", "room": "301"}, by=None
    )
    response = Client().post(
        reverse("checkin:register", args=[gate.code]),
        registration(world, unit="2单元", room="301室"),
    )
    assert response.status_code == 200
    assert Person.objects.get(name="王小明").household_id == home.pk
    assert Household.objects.count() == 1


def test_a_checkpoint_registration_with_a_room_of_no_number_is_told_why(world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    response = Client().post(
        reverse("checkin:register", args=[gate.code]),
        registration(world, unit="", room="室"),
    )
    assert response.status_code < 500
    assert "房号里没有门牌号码" in response.content.decode()
    assert not Person.objects.exists()
    assert not Household.objects.exists()
