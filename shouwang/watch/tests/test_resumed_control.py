"""Control resumed (出院或返回、已找到): the slots of the time the person was away (in
hospital, 失联) were never due — not overdue on the pages, not missing for release —
as they were not while it lasted."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.watch import actions, schedule
from shouwang.watch.models import Alert, KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def follow_up(record, clock, day, hour, slot) -> None:
    clock.set(day, hour)
    actions.record_followup(
        key_person=record, client_id=uuid.uuid4(), slot=slot, method="phone", by=None
    )


def change(world, record, **data) -> None:
    """As staff signed in at the time (the clock moves days between calls)."""
    url = reverse("watch:status", args=[record.pk])
    response = world.client("staff_a").post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("watch:detail", args=[record.pk])


def test_slots_spent_in_hospital_are_not_overdue_once_back(world, clock) -> None:
    """Registered four days ago, followed up that morning, to hospital at 13:00, back
    this morning at 08:00: only this morning's slot, missed after the return, is
    overdue; the seven slots in hospital are not."""
    today = clock.today
    start = today - timedelta(days=4)
    clock.set(start, 5)
    record = f.key_person(world.building_a, "甲", start=start, created_at=clock.now)
    follow_up(record, clock, start, 9, 1)
    clock.set(start, 13)
    change(world, record, status="hospital", reason="fever_hospital")
    clock.set(today, 8)
    change(world, record, status="active", reason="returned")
    clock.set(today, 13)
    response = world.client("staff_a").get(reverse("watch:overdue"), {"days": "7"})
    assert response.context["total"] == 1
    [(shown, slots)] = response.context["rows"]
    assert [(s.day, s.slot.number) for s in slots] == [(today, 1)]
    rows = KeyPerson.objects.filter(pk=record.pk).schedule_rows()
    assert schedule.completeness(rows, now=clock.now)[record.pk].missing == 1


def test_a_person_found_after_two_spells_missing_owes_nothing_for_either(world, clock) -> None:
    today = clock.today
    start = today - timedelta(days=6)
    clock.set(start, 5)
    record = f.key_person(world.building_a, "乙", start=start, created_at=clock.now, days=6)
    for away, back in ((start, start + timedelta(days=2)), (start + timedelta(days=3), today)):
        clock.set(away, 5)
        change(world, record, status="lost", reason="unreachable")
        clock.set(back, 5)
        change(world, record, status="active", reason="found")
    follow_up(record, clock, start + timedelta(days=2), 9, 1)
    follow_up(record, clock, start + timedelta(days=2), 15, 2)
    clock.set(today, 9)
    rows = KeyPerson.objects.filter(pk=record.pk).schedule_rows()
    assert schedule.overdue_slots(rows, now=clock.now) == []
    done = schedule.completeness(rows, now=clock.now)[record.pk]
    assert (done.due, done.done, done.clean) == (2, 2, True)
    release = world.client("staff_a").get(reverse("watch:release"))
    assert record.pk in [r.pk for r, _ in release.context["proposed"]]


def test_a_release_undone_as_a_mistake_leaves_its_slots_due(world, clock) -> None:
    """更正误操作: the person was under control all along; the slots of the mistaken
    release stay due (overdue when missed), unlike a stay in hospital."""
    today = clock.today
    start = today - timedelta(days=2)
    clock.set(start, 5)
    record = f.key_person(world.building_a, "丙", start=start, created_at=clock.now)
    clock.set(start, 5, 30)
    change(world, record, status="released", reason="ordered_release")
    clock.set(today, 5)
    change(world, record, status="active", reason="correction")
    clock.set(today, 6)
    rows = KeyPerson.objects.filter(pk=record.pk).schedule_rows()
    assert len(schedule.overdue_slots(rows, now=clock.now)) == 4
    assert KeyPerson.objects.get(pk=record.pk).pauses == []


def test_the_overdue_job_raises_no_alert_for_the_stay_in_hospital(world, clock) -> None:
    """The job looks back a day: run just after the return, it used to record the
    evening and morning spent in hospital as missed and alert the community."""
    today = clock.today
    start = today - timedelta(days=1)
    clock.set(start, 5)
    record = f.key_person(world.building_a, "丁", start=start, created_at=clock.now)
    follow_up(record, clock, start, 9, 1)
    clock.set(start, 13)
    change(world, record, status="hospital", reason="fever_hospital")
    clock.set(today, 12, 30)
    change(world, record, status="active", reason="returned")
    clock.set(today, 12, 45)
    assert actions.record_overdue(now=clock.now, since=clock.now - timedelta(hours=24)) == 0
    assert not Alert.objects.filter(kind=Alert.Kind.OVERDUE).exists()
