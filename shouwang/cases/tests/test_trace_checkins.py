"""Tracing reads the real check-in table when no other presence source is configured."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shouwang.areas.actions import create_area
from shouwang.areas.models import Area
from shouwang.cases import presence
from shouwang.cases.models import Trace
from shouwang.cases.presence import current_source, trace
from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint, make_person

from .factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def gates(world):
    """A gate of compound A and one of compound B."""
    return make_checkpoint(world.compound_a), make_checkpoint(world.compound_b)


def test_the_checkpoints_app_is_the_presence_source():
    source = current_source()
    assert (source.table, source.ts) == ("checkpoints_checkin", "at")


def test_it_finds_who_passed_the_same_checkpoint_within_the_window(world, gates):
    gate, other_gate = gates
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


def test_a_trace_stores_each_hit_with_its_encounters_from_the_checkin_table(
    world, gates, trace_around
):
    gate, other_gate = gates
    case_person = make_person(world.building_a, "王病例", room="101")
    twice = make_person(world.building_a, "李两次", room="102")
    edge = make_person(world.building_a, "赵边缘", room="103")
    late = make_person(world.building_a, "孙晚一点", room="104")
    away = make_person(world.building_b, "钱别处", room="201")
    case = make_case(world.building_a, person=case_person)
    at = timezone.now().replace(microsecond=250_000) - timedelta(hours=3)
    window = timedelta(minutes=15)
    make_checkin(gate, person=case_person, at=at)
    make_checkin(gate, person=case_person, at=at + timedelta(minutes=20))
    make_checkin(other_gate, person=case_person, at=at + timedelta(hours=1))
    make_checkin(gate, person=twice, at=at + timedelta(minutes=11))  # closer to the 2nd pass
    make_checkin(other_gate, person=twice, at=at + timedelta(hours=1) - window)
    make_checkin(gate, person=edge, at=at - window)  # exactly on the edge: included
    make_checkin(gate, person=late, at=at + timedelta(minutes=35, microseconds=1))
    make_checkin(other_gate, person=away, at=at - timedelta(hours=2))
    make_checkin(gate, at=at)  # a vehicle, no person

    trace = trace_around(case, at, after=timedelta(hours=2))

    assert [p["checkpoint"] for p in trace.passes] == [gate.name, gate.name, other_gate.name]
    hits = {h.person_id: h for h in trace.hits.all()}
    assert set(hits) == {twice.pk, edge.pk}
    assert [(e["checkpoint"], e["at"], e["met_at"]) for e in hits[twice.pk].encounter_rows()] == [
        (gate.name, at + timedelta(minutes=11), at + timedelta(minutes=20)),
        (other_gate.name, at + timedelta(hours=1) - window, at + timedelta(hours=1)),
    ]
    assert hits[twice.pk].first_at == at + timedelta(minutes=11)
    assert hits[twice.pk].last_at == at + timedelta(hours=1) - window
    assert hits[twice.pk].closest_seconds == 9 * 60
    assert hits[edge.pk].closest_seconds == 15 * 60
    assert trace.outside_count == 0


def test_a_trace_counts_persons_outside_the_jurisdiction_without_storing_them(
    world, gates, trace_around
):
    gate, _ = gates
    case = make_case(world.building_a)
    inside = make_person(world.building_a, "李辖区内", room="102")
    outside = make_person(world.building_b, "钱辖区外", room="201")
    at = timezone.now() - timedelta(hours=3)
    make_checkin(gate, person=case.person, at=at)
    make_checkin(gate, person=inside, at=at + timedelta(minutes=1))
    make_checkin(gate, person=outside, at=at + timedelta(minutes=2))

    trace = trace_around(case, at, by=world.staff_a)  # sees community A only

    assert list(trace.hits.values_list("person_id", flat=True)) == [inside.pk]
    assert trace.outside_count == 1


def test_a_case_with_too_many_passes_is_refused_with_a_message(
    world, gates, trace_around, monkeypatch
):
    gate, _ = gates
    case = make_case(world.building_a)
    at = timezone.now() - timedelta(hours=3)
    for minutes in (0, 30, 60):
        make_checkin(gate, person=case.person, at=at + timedelta(minutes=minutes))
    monkeypatch.setattr(presence, "MAX_PASSES", 2)
    with pytest.raises(ValidationError, match="通行记录过多"):
        trace_around(case, at, after=timedelta(hours=2))
    assert not Trace.objects.exists()


def test_hq_sees_everyone_in_its_sub_district_but_no_one_beyond(world, gates, trace_around):
    gate, _ = gates
    case = make_case(world.building_a)
    neighbour = make_person(world.building_b, "孙本街道", room="202")
    at = timezone.now() - timedelta(hours=3)
    make_checkin(gate, person=case.person, at=at)
    make_checkin(gate, person=neighbour, at=at + timedelta(minutes=1))
    first = trace_around(case, at)
    assert list(first.hits.values_list("person_id", flat=True)) == [neighbour.pk]

    # A visitor from another sub-district passes too: HQ's jurisdiction ends at its own.
    other = create_area(name="东风街道", kind=Area.Kind.SUBDISTRICT, parent=world.district)
    community = create_area(name="东风社区", kind=Area.Kind.COMMUNITY, parent=other)
    visitor = make_person(
        create_area(
            name="1号楼",
            kind=Area.Kind.BUILDING,
            parent=create_area(name="东风小区", kind=Area.Kind.COMPOUND, parent=community),
        ),
        "周外街道",
    )
    make_checkin(gate, person=visitor, at=at + timedelta(minutes=2))
    second = trace_around(case, at)
    assert list(second.hits.values_list("person_id", flat=True)) == [neighbour.pk]
    assert (second.hop1_count, second.outside_count) == (1, 1)
