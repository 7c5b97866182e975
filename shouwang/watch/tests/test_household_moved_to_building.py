"""A household registered at its compound before it had buildings is moved into one
of them on the ledger (未分配楼栋 → 移到楼栋): its persons' key-person records still
worked on, and their alerts not handled yet, move to the building with them; ended
records and handled alerts stay where they were."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.people.models import Household
from shouwang.people.tests.factories import (
    make_household,
    make_person,
    move_into_building,
    unplaced_village,
)
from shouwang.watch import actions
from shouwang.watch.models import Alert, KeyPerson, KeyPersonEvent
from shouwang.watch.tests.factories import alert, category


@pytest.fixture
def village(world):
    return unplaced_village(world.community_a)


def _register(person, by, **fields):
    today = timezone.localdate()
    return actions.register_key_person(
        person=person,
        category=category(),
        source=KeyPerson.Source.POLICE,
        measure=KeyPerson.Measure.HOME,
        start_date=fields.pop("start", today),
        planned_end=fields.pop("end", today + timedelta(days=14)),
        by=by,
    )


def _move(world):
    home = Household.objects.get(room="8")
    assert move_into_building(world.client("staff_a"), home).status_code == 302
    return home.area.children.get()


def test_a_record_under_control_moves_to_the_building(world, village):
    record = _register(village.households.get(room="8").persons.get(name="王老五"), world.staff_a)

    building = _move(world)

    record.refresh_from_db()
    assert record.area == building
    assert KeyPerson.objects.within(building).filter(pk=record.pk).exists()
    event = record.events.get(kind=KeyPersonEvent.Kind.EDITED)
    assert event.note == "所属辖区：王庄 → 王庄1号楼"
    assert event.by == world.staff_a
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
    assert "所属辖区：王庄 → 王庄1号楼" in page.content.decode()


def test_lost_and_hospital_records_move_an_ended_one_stays(world, village):
    persons = village.households.get(room="8").persons
    lost = _register(persons.get(name="王老五"), world.staff_a)
    ended = _register(persons.get(name="王小二"), world.staff_a)
    KeyPerson.objects.filter(pk=lost.pk).update(status=KeyPerson.Status.LOST)
    KeyPerson.objects.filter(pk=ended.pk).update(
        status=KeyPerson.Status.RELEASED, ended_at=timezone.now()
    )

    building = _move(world)

    lost.refresh_from_db()
    ended.refresh_from_db()
    assert lost.area == building
    assert ended.area == village
    assert not ended.events.filter(kind=KeyPersonEvent.Kind.EDITED).exists()


def test_open_alerts_move_handled_ones_stay(world, village):
    person = village.households.get(room="8").persons.get(name="王老五")
    record = _register(person, world.staff_a)
    open_alert = alert(village, key_person=record, person=person, kind=Alert.Kind.SYMPTOM)
    handled = alert(village, person=person, title="已处置")
    handled.mark_handled(by=world.staff_a, note="已复测正常")
    elsewhere = alert(world.building_a, title="别处")

    building = _move(world)

    assert Alert.objects.get(pk=open_alert.pk).area == building
    assert Alert.objects.get(pk=handled.pk).area == village
    assert Alert.objects.get(pk=elsewhere.pk).area == world.building_a


def test_records_of_other_households_at_the_compound_stay(world, village):
    neighbour = make_household(village, room="9", unit="")
    record = _register(make_person(neighbour, "李四"), world.staff_a)

    _move(world)

    record.refresh_from_db()
    assert record.area == village
