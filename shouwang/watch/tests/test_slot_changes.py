"""A change of a community's follow-up slots holds from the day it is made: the days
before keep the slots they were due under, so a change never makes old days overdue,
nor done, nor changes who is proposed for release."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from django.urls import reverse

from shouwang.watch import actions, schedule
from shouwang.watch.models import PastSlots
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db

THREE = "早 06:00-09:00；中 10:00-13:00；晚 18:00-21:00"
ONE = "全天 06:00-20:00"


def followed_up(world, clock, *, skip_afternoon_of=None):
    """A record since three days ago, every slot of the two defaults followed up
    (except the afternoon of ``skip_afternoon_of``); the clock then at 09:30 today."""
    start = clock.today - timedelta(days=3)
    record = f.key_person(
        world.building_a, "周观察", start=start, created_at=schedule.day_start(start)
    )
    today = clock.today
    for due in schedule.due_slots(
        record, schedule.DEFAULT, first=start, last=today - timedelta(days=1)
    ):
        if due.day == skip_afternoon_of and due.slot.number == 2:
            continue
        actions.record_followup(
            key_person=record,
            client_id=uuid.uuid4(),
            slot=due.slot.number,
            method="phone",
            by=world.grid_worker_a,
            now=due.slot.opens_at(due.day) + timedelta(minutes=5),
        )
    clock.set(today, 9, 30)
    return record


def change_slots(world, slots: str):
    url = reverse("watch:policy_edit", args=[world.community_a.pk])
    response = world.client("staff_a").post(url, {"slots": slots, "lost_after": 2})
    assert response.status_code == 302, response.content.decode()


def overdue_page(world) -> str:
    return world.client("staff_a").get(reverse("watch:overdue") + "?days=7").content.decode()


def test_more_slots_do_not_make_the_days_before_overdue(world, clock) -> None:
    record = followed_up(world, clock)
    assert "共 0 个" in overdue_page(world)
    change_slots(world, THREE)
    # Today's 早 (06:00-09:00) passed unrecorded: the new slots hold today.
    assert "共 1 个" in overdue_page(world)
    done = schedule.completeness([record], now=clock.now)[record.pk]
    assert (done.due, done.missing) == (6 + 1, 1)


def test_fewer_slots_keep_a_missed_slot_of_the_days_before(world, clock) -> None:
    yesterday = clock.today - timedelta(days=1)
    record = followed_up(world, clock, skip_afternoon_of=yesterday)
    assert "共 1 个" in overdue_page(world)
    change_slots(world, ONE)
    page = overdue_page(world)
    assert "共 1 个" in page
    assert "下午" in page
    done = schedule.completeness([record], now=clock.now)[record.pk]
    assert done.missing == 1
    # Yesterday's afternoon, done at 21:00 on a phone without network, still uploads
    # as a late follow-up of its day's slot.
    followup, created = actions.record_followup(
        key_person=record,
        client_id=uuid.uuid4(),
        slot=2,
        method="phone",
        by=world.grid_worker_a,
        day=yesterday,
        recorded_at=schedule.at(yesterday, time(21, 0)),
    )
    assert created
    assert followup.late
    assert "共 0 个" in overdue_page(world)


def test_a_second_change_the_same_day_keeps_the_days_before_as_they_were(world, clock) -> None:
    followed_up(world, clock)
    change_slots(world, THREE)
    change_slots(world, ONE)
    assert PastSlots.objects.get().slots == schedule.format_slots(schedule.DEFAULT)
    assert "共 0 个" in overdue_page(world)


def test_saving_the_same_slots_records_no_change(world, clock, policy_a) -> None:
    change_slots(world, policy_a.slots)
    assert not PastSlots.objects.exists()


def test_the_record_page_names_past_follow_ups_by_the_slots_of_their_day(world, clock) -> None:
    record = followed_up(world, clock)
    change_slots(world, THREE)
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
    assert page.status_code == 200
    history = page.content.decode()
    assert "上午" in history
    assert "下午" in history
