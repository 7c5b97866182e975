"""补录: a follow-up done in yesterday's slot but not entered in time (the evening
visit done at 19:40 and entered after midnight, a grid worker catching up the next
morning) is recorded from 今日随访 with the time it was done, until the end of today;
it is marked 补录, audited, and the overdue list and release proposals count it."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.watch import actions
from shouwang.watch.models import FollowUp
from shouwang.watch.tests import factories as f
from shouwang.watch.tests.factories import backfill

pytestmark = pytest.mark.django_db


def at(day, hour: int, minute: int = 0) -> datetime:
    from shouwang.watch import schedule

    return datetime.combine(day, time(hour, minute), tzinfo=schedule.zone())


@pytest.fixture
def yesterday(clock):
    return clock.today


@pytest.fixture
def record(world, clock, policy_a, yesterday):
    """Registered yesterday at 07:00 for a one-day period (planned end today); the
    morning slot followed up, the afternoon one (14:00-20:00) not entered."""
    clock.set(yesterday, 7, 0)
    kp = f.key_person(world.building_a, "张三丰", by=world.staff_a, days=1)
    clock.set(yesterday, 8, 0)
    actions.record_followup(key_person=kp, client_id=uuid.uuid4(), slot=1, method="phone", by=None)
    return kp


def test_yesterday_s_missed_slot_is_offered_and_counted_once_recorded(
    world, clock, record, yesterday
) -> None:
    clock.set(yesterday + timedelta(days=1), 0, 20)
    grid = world.client("grid_a")
    staff = world.client("staff_a")
    page = grid.get(reverse("watch:today")).content.decode()
    assert "昨日未随访" in page
    assert reverse("watch:backfill", args=[record.pk]) in page
    assert f'name="slot_day" value="{yesterday:%Y-%m-%d}"' in page
    overdue = staff.get(reverse("watch:overdue"), {"days": "3"}).content.decode()
    assert "张三丰" in overdue
    assert "补录" in overdue
    release = staff.get(reverse("watch:release")).content.decode()
    assert "缺随访 1 次" in release

    response = backfill(grid, record, yesterday)

    assert response.status_code == 200, response.content.decode()
    stored = FollowUp.objects.get(key_person=record, day=yesterday, slot=2)
    assert stored.recorded_at == at(yesterday, 19, 40)
    assert stored.entered_at == clock.now
    assert stored.method == "visit"
    assert stored.recorded_by == world.grid_worker_a
    assert not stored.late  # done within the slot; entered late
    event = AuditEvent.objects.get(object_type="watch.FollowUp")
    assert (event.action, event.user) == (AuditEvent.Action.CREATE, world.grid_worker_a)
    assert event.object_id == str(stored.pk)
    assert "补录" in event.detail
    assert "19:40" in event.detail
    assert "补录" in response.content.decode()
    page = grid.get(reverse("watch:today")).content.decode()
    assert "昨日未随访" not in page
    overdue = staff.get(reverse("watch:overdue"), {"days": "3"}).content.decode()
    assert "张三丰" not in overdue
    release = staff.get(reverse("watch:release")).content.decode()
    assert "建议解除（1 人）" in release
    detail = staff.get(reverse("watch:detail", args=[record.pk])).content.decode()
    assert "补录" in detail


def test_a_backfill_after_the_slot_s_deadline_is_late(world, clock, record, yesterday) -> None:
    clock.set(yesterday + timedelta(days=1), 8, 0)
    response = backfill(world.client("grid_a"), record, yesterday, done_at="21:30")
    assert response.status_code == 200
    stored = FollowUp.objects.get(key_person=record, day=yesterday, slot=2)
    assert (stored.late, stored.recorded_at) == (True, at(yesterday, 21, 30))


def test_an_abnormal_backfill_raises_its_alert(world, clock, record, yesterday) -> None:
    clock.set(yesterday + timedelta(days=1), 7, 0)
    response = backfill(
        world.client("grid_a"), record, yesterday, temperature="37.8", symptoms=["cough"]
    )
    assert response.status_code == 200
    stored = FollowUp.objects.get(key_person=record, day=yesterday, slot=2)
    assert stored.abnormal
    assert record.alerts.filter(kind="fever").exists()


@pytest.mark.parametrize(
    ("done_at", "message"),
    [
        ("", "请填写实际随访时间"),
        ("13:30", "早于下午时段开始"),
        ("25:00", "实际随访时间不正确"),
    ],
)
def test_a_wrong_time_is_refused_saying_so(
    world, clock, record, yesterday, done_at, message
) -> None:
    clock.set(yesterday + timedelta(days=1), 0, 20)
    response = backfill(world.client("grid_a"), record, yesterday, done_at=done_at)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FollowUp.objects.filter(slot=2).exists()
    assert not AuditEvent.objects.filter(object_type="watch.FollowUp").exists()


def test_a_time_still_to_come_today_is_refused(world, clock, record, yesterday) -> None:
    # Entered the same day: not a backfill of yesterday; the time is in the future.
    clock.set(yesterday, 15, 0)
    response = backfill(world.client("grid_a"), record, yesterday, done_at="19:40")
    assert response.status_code == 400
    assert "晚于现在" in response.content.decode()
    assert not FollowUp.objects.filter(slot=2).exists()


def test_two_days_back_is_refused(world, clock, record, yesterday) -> None:
    clock.set(yesterday + timedelta(days=2), 7, 0)
    response = backfill(world.client("grid_a"), record, yesterday)
    assert response.status_code == 400
    assert "已过补记期限" in response.content.decode()
    assert not FollowUp.objects.filter(slot=2).exists()


def test_staff_of_another_community_get_404(world, clock, record, yesterday) -> None:
    clock.set(yesterday + timedelta(days=1), 0, 20)
    response = backfill(world.client("staff_b"), record, yesterday)
    assert response.status_code == 404
    assert not FollowUp.objects.filter(slot=2).exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2000-02-29"])
def test_a_day_far_off_is_refused_not_a_500(world, clock, record, day) -> None:
    clock.set(clock.today + timedelta(days=1), 7, 0)
    response = world.client("grid_a").post(
        reverse("watch:backfill", args=[record.pk]),
        {
            "client_id": str(uuid.uuid4()),
            "slot_day": day,
            "slot": "2",
            "method": "visit",
            "done_at": "19:40",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "补记期限" in response.content.decode() or "晚于今天" in response.content.decode()
    assert not FollowUp.objects.filter(slot=2).exists()


def test_a_time_with_seconds_as_some_browsers_send_it_is_taken(
    world, clock, record, yesterday
) -> None:
    clock.set(yesterday + timedelta(days=1), 7, 0)
    response = backfill(world.client("grid_a"), record, yesterday, done_at="19:40:00")
    assert response.status_code == 200
    stored = FollowUp.objects.get(key_person=record, day=yesterday, slot=2)
    assert stored.recorded_at == at(yesterday, 19, 40)


def test_someone_released_this_morning_is_offered_yesterday_s_backfill(
    world, clock, record, yesterday
) -> None:
    """Released at 08:00 today, 张三丰 was under control through yesterday's afternoon
    slot: 今日随访 still offers its 补录, in a section of its own, under the same rules
    (a time after the release is refused)."""
    today = yesterday + timedelta(days=1)
    clock.set(yesterday, 12, 0)
    earlier = f.key_person(world.building_a2, "李白", by=world.staff_a, days=3)
    clock.set(yesterday, 13, 0)  # released before the afternoon slot's deadline: none owed
    actions.change_status(
        key_person=earlier, status="released", reason="ordered_release", by=world.staff_a
    )
    clock.set(today, 8, 0)
    actions.change_status(
        key_person=record, status="released", reason="ordered_release", by=world.staff_a
    )
    grid = world.client("grid_a")

    page = grid.get(reverse("watch:today")).content.decode()

    assert "已结束管控，待补录" in page
    assert "张三丰" in page
    assert reverse("watch:backfill", args=[record.pk]) in page
    assert "李白" not in page
    other = world.client("staff_b").get(reverse("watch:today")).content.decode()
    assert "张三丰" not in other

    response = backfill(grid, record, yesterday)

    assert response.status_code == 200, response.content.decode()
    assert "已补录" in response.content.decode()
    stored = FollowUp.objects.get(key_person=record, day=yesterday, slot=2)
    assert stored.entered_at == clock.now
    assert "已结束管控，待补录" not in grid.get(reverse("watch:today")).content.decode()


def test_a_backfill_after_the_release_is_refused(world, clock, record, yesterday) -> None:
    clock.set(yesterday, 19, 0)
    actions.change_status(
        key_person=record, status="released", reason="ordered_release", by=world.staff_a
    )
    clock.set(yesterday + timedelta(days=1), 8, 0)
    response = backfill(world.client("grid_a"), record, yesterday, done_at="19:40")
    assert response.status_code == 400
    assert "该人员已不在管控中" in response.content.decode()
    assert not FollowUp.objects.filter(key_person=record, slot=2).exists()


def test_someone_released_after_missing_today_s_slot_is_offered_its_backfill(
    world, clock, policy_a
) -> None:
    """Released at 13:00 after missing today's morning slot (06:00-12:00): the card is
    gone from those under control, and 今日随访 offers that slot's 补录 in the ended
    section, a time before the release only."""
    today = clock.today
    clock.set(today, 5, 0)
    kp = f.key_person(world.building_a, "王五", by=world.staff_a, days=3)
    clock.set(today, 13, 0)
    actions.change_status(
        key_person=kp, status="released", reason="ordered_release", by=world.staff_a
    )
    clock.set(today, 13, 30)
    grid = world.client("grid_a")

    page = grid.get(reverse("watch:today")).content.decode()

    assert "已结束管控，待补录" in page
    assert "王五" in page
    assert f'name="slot_day" value="{today:%Y-%m-%d}"' in page
    assert 'data-slot="1"' in page

    refused = backfill(grid, kp, today, slot="1", done_at="13:10")
    assert refused.status_code == 400
    assert "该人员已不在管控中" in refused.content.decode()
    assert not FollowUp.objects.filter(key_person=kp).exists()

    response = backfill(grid, kp, today, slot="1", done_at="12:40")

    assert response.status_code == 200, response.content.decode()
    assert "已补录" in response.content.decode()
    stored = FollowUp.objects.get(key_person=kp, day=today, slot=1)
    assert stored.recorded_at == at(today, 12, 40)
    assert stored.late
    assert stored.entered_at == clock.now
    assert "王五" not in grid.get(reverse("watch:today")).content.decode()
