"""A household registered at its compound before it had buildings is moved into one
of them on the ledger (未分配楼栋 → 移到楼栋): its persons' open cases and their
contacts still to be observed move to the building with them; closed cases and
contacts whose observation is over stay where they were."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.cases.models import Case, CaseEvent, Contact
from shouwang.cases.tests.factories import make_case, make_contact, make_key_person
from shouwang.people.models import Household
from shouwang.people.tests.factories import (
    make_household,
    make_person,
    move_into_building,
    unplaced_village,
)


@pytest.fixture
def village(world):
    return unplaced_village(world.community_a)


def _person(village, name):
    return village.households.get(room="8").persons.get(name=name)


def _move(world):
    home = Household.objects.get(room="8")
    assert move_into_building(world.client("staff_a"), home).status_code == 302
    return home.area.children.get()


def test_an_open_case_moves_with_a_history_entry(world, village):
    case = make_case(village, person=_person(village, "王老五"))
    closed = make_case(village, Case.Classification.RECOVERED, person=_person(village, "王小二"))

    building = _move(world)

    case.refresh_from_db()
    closed.refresh_from_db()
    assert case.area == building
    assert closed.area == village
    event = case.events.get()
    assert event.changes == {"所属辖区": ["王庄", "王庄1号楼"]}
    assert event.from_classification == event.to_classification == Case.Classification.CONFIRMED
    assert event.by == world.staff_a
    assert not CaseEvent.objects.filter(case=closed).exists()
    page = world.client("staff_a").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "所属辖区：王庄 → 王庄1号楼" in page


def test_contacts_to_observe_or_observed_move_past_ones_stay(world, village):
    source = make_case(world.building_a)
    pending = make_contact(source, village, person=_person(village, "王老五"))
    past = make_contact(
        source,
        village,
        person=_person(village, "王小二"),
        last_contact_date=timezone.localdate() - timedelta(days=60),
    )
    other = make_case(world.building_a2)
    observed_person = _person(village, "王小二")
    observed = make_contact(
        other,
        village,
        person=observed_person,
        key_person=make_key_person(observed_person),
    )

    building = _move(world)

    assert Contact.objects.get(pk=pending.pk).area == building
    assert Contact.objects.get(pk=observed.pk).area == building
    assert Contact.objects.get(pk=past.pk).area == village


def test_cases_of_other_households_at_the_compound_stay(world, village):
    neighbour = make_household(village, room="9", unit="")
    case = make_case(village, person=make_person(neighbour, "李四"))

    _move(world)

    case.refresh_from_db()
    assert case.area == village
