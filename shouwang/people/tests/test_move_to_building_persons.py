"""Moving a household into a building (未分配楼栋 → 移到楼栋) changes each of its
persons' rows: their version moves on, so a person form opened before the move is
refused as stale, and each person's history records the move."""

import pytest
from django.urls import reverse

from shouwang.people.models import Change, Household, Person
from shouwang.people.tests.factories import (
    edit_form_data,
    move_into_building,
    unplaced_village,
)


@pytest.fixture
def village(world):
    return unplaced_village(world.community_a)


def test_a_person_form_opened_before_the_move_is_refused(world, village):
    client = world.client("staff_a")
    person = Person.objects.get(name="王老五")
    url = reverse("people:person_edit", args=[person.pk])
    stale = client.get(url).context["form"].initial["version"]
    building = village.children.get()
    assert move_into_building(client, Household.objects.get()).status_code == 302

    response = client.post(url, edit_form_data(person, version=stale, notes="腿脚不便"))

    assert response.status_code == 409
    assert "保存失败：这条记录刚被" in response.content.decode()
    person.refresh_from_db()
    assert person.notes == ""
    assert person.area == building


def test_a_person_form_opened_after_the_move_saves(world, village):
    client = world.client("staff_a")
    move_into_building(client, Household.objects.get())
    person = Person.objects.get(name="王老五")
    url = reverse("people:person_edit", args=[person.pk])
    version = client.get(url).context["form"].initial["version"]

    response = client.post(url, edit_form_data(person, version=version, notes="腿脚不便"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.notes == "腿脚不便"


def test_each_persons_history_records_the_move(world, village):
    client = world.client("staff_a")
    versions = dict(Person.objects.values_list("name", "version"))
    move_into_building(client, Household.objects.get())
    for person in Person.objects.all():
        assert person.version == versions[person.name] + 1
        change = Change.objects.filter(person=person).latest("pk")
        assert change.action == Change.Action.UPDATE
        assert change.changes == [["户", "王庄8", "王庄1号楼8"]]
        assert change.by_name == str(world.staff_a)
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "王庄1号楼8" in page


def test_a_moved_out_person_moves_with_the_household(world, village):
    person = Person.objects.get(name="王小二")
    Person.objects.filter(pk=person.pk).update(moved_out=True)
    building = village.children.get()
    move_into_building(world.client("staff_a"), Household.objects.get())
    person.refresh_from_db()
    assert person.area == building
    assert Change.objects.filter(person=person, changes=[["户", "王庄8", "王庄1号楼8"]]).exists()
