"""Missed slots: computed on read for the community's list, recorded with an alert by
the idempotent ``shouwang watch_overdue`` job."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from shouwang.watch import actions
from shouwang.watch.models import Alert, MissedSlot
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning(world, clock, policy_a):
    clock.set(clock.today, 7, 0)
    done = f.key_person(world.building_a, "按时")
    missed = f.key_person(world.building_a2, "漏了")
    f.key_person(world.building_b, "八一的")
    clock.set(clock.today, 8, 0)
    actions.record_followup(
        key_person=done, client_id=uuid.uuid4(), slot=1, method="phone", by=world.grid_worker_a
    )
    return {"done": done, "missed": missed}


def test_overdue_is_listed_on_read_once_the_deadline_passes(world, clock, morning) -> None:
    client = world.client("staff_a")
    assert "漏了" not in client.get(reverse("watch:overdue")).content.decode()
    clock.set(clock.today, 12, 1)
    page = client.get(reverse("watch:overdue")).content.decode()
    assert "漏了" in page
    assert "按时" not in page
    assert "八一的" not in page
    assert not MissedSlot.objects.exists()  # no job needed to see it


def test_the_job_records_each_missed_slot_and_alerts_once(world, clock, morning) -> None:
    clock.set(clock.today, 12, 1)
    call_command("watch_overdue")
    call_command("watch_overdue")
    missed = MissedSlot.objects.within(world.community_a).get()
    assert missed.key_person == morning["missed"]
    assert missed.slot == 1
    alerts = Alert.objects.filter(kind=Alert.Kind.OVERDUE)
    assert alerts.count() == 2  # A's 漏了 and B's 八一的
    mine = alerts.get(key_person=morning["missed"])
    assert "漏*（" in mine.title
    assert "漏了" not in mine.title
    assert "上午未随访" in mine.title
    clock.set(clock.today, 20, 5)
    call_command("watch_overdue")
    assert MissedSlot.objects.filter(key_person=morning["done"], slot=2).exists()
    # Afternoon slots of all three, on top of the two morning ones.
    assert MissedSlot.objects.count() == 5


def test_a_late_follow_up_clears_the_list_but_keeps_the_record(world, clock, morning) -> None:
    clock.set(clock.today, 12, 1)
    call_command("watch_overdue")
    clock.set(clock.today, 13, 0)
    actions.record_followup(
        key_person=morning["missed"], client_id=uuid.uuid4(), slot=1, method="visit", by=None
    )
    page = world.client("staff_a").get(reverse("watch:overdue")).content.decode()
    assert "漏了" not in page
    assert MissedSlot.objects.filter(key_person=morning["missed"]).exists()


def test_a_rerun_reads_what_is_recorded_instead_of_asking_slot_by_slot(
    world, clock, morning, django_assert_max_num_queries
) -> None:
    for n in range(5):
        f.key_person(world.building_a, f"又漏{n}")
    clock.set(clock.today, 12, 1)
    assert actions.record_overdue(now=clock.now, since=clock.now - timedelta(hours=24)) == 7
    with django_assert_max_num_queries(6):
        assert actions.record_overdue(now=clock.now, since=clock.now - timedelta(hours=24)) == 0
    assert MissedSlot.objects.count() == 7
    assert Alert.objects.filter(kind=Alert.Kind.OVERDUE).count() == 7


@pytest.mark.parametrize("days", ["0", "31", "三", "-1", "1e3"])
def test_a_span_the_page_cannot_show_is_a_400_not_three_days(world, days) -> None:
    response = world.client("staff_a").get(reverse("watch:overdue"), {"days": days})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"天数“{days}”无效：请填写 1 到 30 之间的整数" in page
    assert f'href="{reverse("watch:overdue")}"' in page


def test_the_spans_offered_are_shown(world) -> None:
    client = world.client("staff_a")
    for days in ("1", "7", "30", ""):
        assert client.get(reverse("watch:overdue"), {"days": days}).status_code == 200
