"""Follow-ups recorded on a phone without network and uploaded later: the previous
day's are stored on their own day and slot until the end of today, with the phone's
recording time; anything older, in the future or outside its day is refused."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from shouwang.core.text import day_label
from shouwang.watch import actions, figures, schedule
from shouwang.watch.models import Alert, FollowUp, KeyPerson, MissedSlot
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db
UPLOAD = "/api/v1/watch/followups"


@pytest.fixture
def record(world, clock, policy_a):
    clock.set(clock.today, 7, 0)
    return f.key_person(world.building_a, "张三丰")


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=schedule.zone())


def item(record, day, recorded_at: datetime | None, **fields) -> dict:
    out = {
        "client_id": str(uuid.uuid4()),
        "key_person": record.pk,
        "day": day.isoformat(),
        "slot": 2,
        "method": "phone",
        **fields,
    }
    if recorded_at is not None:
        out["recorded_at"] = recorded_at.isoformat()
    return out


def post(client, items) -> dict:
    response = client.post(UPLOAD, json.dumps({"items": items}), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_last_night_s_follow_up_uploaded_after_midnight_is_stored_late(
    world, clock, record
) -> None:
    yesterday = clock.today
    clock.set(yesterday + timedelta(days=1), 0, 40)
    sent = item(record, yesterday, at(yesterday, 21, 30))
    body = post(world.client("grid_a"), [sent])
    result = body["results"][0]
    assert (result["result"], result["ok"], result["late"]) == ("created", True, True)
    stored = FollowUp.objects.get()
    assert (stored.day, stored.slot, stored.late) == (yesterday, 2, True)
    assert stored.recorded_at == at(yesterday, 21, 30)
    assert stored.recorded_by == world.grid_worker_a
    assert str(stored.client_id) == sent["client_id"]


def test_one_done_in_time_and_uploaded_the_next_morning_is_not_late(world, clock, record) -> None:
    yesterday = clock.today
    clock.set(yesterday + timedelta(days=1), 7, 10)
    items = [
        item(record, yesterday, at(yesterday, 9, 5), slot=1),
        item(record, yesterday, at(yesterday, 19, 59), slot=2),
    ]
    body = post(world.client("grid_a"), items)
    assert [(r["result"], r["late"]) for r in body["results"]] == [
        ("created", False),
        ("created", False),
    ]
    assert sorted(FollowUp.objects.values_list("day", "slot", "late")) == [
        (yesterday, 1, False),
        (yesterday, 2, False),
    ]


def test_until_the_last_minute_of_today(world, clock, record) -> None:
    yesterday = clock.today
    clock.set(yesterday + timedelta(days=1), 23, 59)
    body = post(world.client("grid_a"), [item(record, yesterday, at(yesterday, 21, 0))])
    assert body["stored"] == 1


def test_two_days_ago_is_refused(world, clock, record) -> None:
    first = clock.today
    clock.set(first + timedelta(days=2), 0, 5)
    body = post(world.client("grid_a"), [item(record, first, at(first, 21, 30))])
    result = body["results"][0]
    assert (result["result"], result["ok"], result["retry"]) == ("refused", False, False)
    assert "已过补记期限" in result["message"]
    assert not FollowUp.objects.exists()


def test_a_future_day_or_recording_time_is_refused(world, clock, record) -> None:
    today = clock.today
    clock.set(today, 15, 0)
    tomorrow = today + timedelta(days=1)
    items = [
        item(record, tomorrow, at(tomorrow, 15, 0)),
        item(record, today, at(today, 15, 6)),  # phone clock 6 minutes ahead
        item(record, today, at(today, 15, 4)),  # within the allowed skew
    ]
    body = post(world.client("grid_a"), items)
    assert [r["result"] for r in body["results"]] == ["refused", "refused", "created"]
    assert "晚于现在" in body["results"][0]["message"]
    assert "晚于现在" in body["results"][1]["message"]
    assert FollowUp.objects.get().recorded_at == at(today, 15, 4)


def test_a_day_ahead_without_a_future_clock_is_refused_as_a_future_day(
    world, clock, record
) -> None:
    today = clock.today
    clock.set(today, 15, 0)
    tomorrow = today + timedelta(days=1)
    body = post(world.client("grid_a"), [item(record, tomorrow, at(today, 14, 30))])
    assert "晚于今天" in body["results"][0]["message"]
    assert not FollowUp.objects.exists()


def test_a_recording_time_outside_the_slot_s_day_is_refused(world, clock, record) -> None:
    yesterday = clock.today
    today = yesterday + timedelta(days=1)
    clock.set(today, 0, 30)
    items = [
        item(record, yesterday, at(today, 0, 5)),  # tapped after midnight on a stale page
        item(record, yesterday, at(yesterday, 13, 0)),  # before the afternoon slot opened
        item(record, yesterday, None),  # a past day needs the phone's time
    ]
    body = post(world.client("grid_a"), items)
    messages = [r["message"] for r in body["results"]]
    assert body["refused"] == 3
    assert "不在" in messages[0]
    assert "请核对手机的日期和时间" in messages[0]
    assert "早于下午时段开始（14:00）" in messages[1]
    assert "须附上手机上的记录时间" in messages[2]
    assert not FollowUp.objects.exists()


def test_a_recording_time_without_a_zone_is_beijing_time(world, clock, record) -> None:
    yesterday = clock.today
    clock.set(yesterday + timedelta(days=1), 6, 0)
    sent = {**item(record, yesterday, None), "recorded_at": f"{yesterday.isoformat()}T21:30:00"}
    post(world.client("grid_a"), [sent])
    assert FollowUp.objects.get().recorded_at == at(yesterday, 21, 30)


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1970-01-01T00:00:00Z"]
)
def test_an_absurd_recording_time_is_refused_not_a_500(world, clock, record, moment) -> None:
    yesterday = clock.today
    clock.set(yesterday + timedelta(days=1), 6, 0)
    sent = {**item(record, yesterday, None), "recorded_at": moment}
    body = post(world.client("grid_a"), [sent])
    assert body["results"][0]["result"] == "refused"
    assert "手机的日期和时间" in body["results"][0]["message"]
    assert not FollowUp.objects.exists()


def test_a_re_sent_item_is_a_duplicate_even_days_later(world, clock, record) -> None:
    yesterday = clock.today
    clock.set(yesterday + timedelta(days=1), 0, 40)
    items = [item(record, yesterday, at(yesterday, 21, 30))]
    client = world.client("grid_a")
    first = post(client, items)
    clock.set(yesterday + timedelta(days=1), 7, 0)
    again = post(client, items)
    assert (again["stored"], again["duplicates"]) == (0, 1)
    assert again["results"][0]["id"] == first["results"][0]["id"]
    clock.set(yesterday + timedelta(days=3), 9, 0)
    assert post(world.client("grid_a"), items)["results"][0]["result"] == "duplicate"
    assert FollowUp.objects.count() == 1


def test_a_refused_item_writes_nothing_and_does_not_block_the_others(world, clock, record) -> None:
    first = clock.today
    second = f.key_person(world.building_a2, "李四")
    clock.set(first + timedelta(days=2), 0, 5)
    day_before = first + timedelta(days=1)
    items = [
        item(record, first, at(first, 21, 30), temperature="38.6"),  # too old: no alert either
        item(second, day_before, at(day_before, 21, 30), temperature="38.1"),
    ]
    body = post(world.client("grid_a"), items)
    assert [r["result"] for r in body["results"]] == ["refused", "created"]
    assert list(FollowUp.objects.values_list("key_person", flat=True)) == [second.pk]
    alert = Alert.objects.get()
    assert alert.key_person == second
    assert f"记录时间：{day_label(day_before, year=True)} 21:30" in alert.detail


def test_a_slot_already_overdue_keeps_its_history_and_counts_as_done(world, clock, record) -> None:
    yesterday = clock.today
    clock.set(yesterday, 20, 5)
    call_command("watch_overdue")
    missed = MissedSlot.objects.get(key_person=record, day=yesterday, slot=2)
    overdue_alert = Alert.objects.get(kind=Alert.Kind.OVERDUE, source_id=str(missed.pk))
    start, end = schedule.day_window(yesterday)
    assert figures.window_figures(world.community_a, start=start, end=end).overdue == 2

    clock.set(yesterday + timedelta(days=1), 0, 30)
    post(world.client("grid_a"), [item(record, yesterday, at(yesterday, 21, 30))])

    assert MissedSlot.objects.filter(pk=missed.pk).exists()
    overdue_alert.refresh_from_db()
    assert overdue_alert.handled_at is None
    # Only the morning slot, never recorded, is still overdue.
    assert figures.window_figures(world.community_a, start=start, end=end).overdue == 1
    staff = world.client("staff_a")
    overdue = staff.get(reverse("watch:overdue"), {"days": 2}).content.decode()
    assert f"{day_label(yesterday)}上午" in overdue
    assert f"{day_label(yesterday)}下午" not in overdue
    detail = staff.get(reverse("watch:detail", args=[record.pk])).content.decode()
    assert "补记" in detail
    assert f"{day_label(yesterday)} 21:30" in detail
    done = schedule.completeness([record], now=schedule.day_start(yesterday + timedelta(days=1)))
    assert (done[record.pk].due, done[record.pk].done) == (2, 1)


def test_a_record_released_this_morning_takes_last_night_s_follow_up(world, clock, record) -> None:
    yesterday = clock.today
    clock.set(yesterday + timedelta(days=1), 8, 0)
    actions.change_status(
        key_person=record,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.ORDERED_RELEASE,
        by=world.staff_a,
    )
    clock.set(yesterday + timedelta(days=1), 9, 0)
    items = [
        item(record, yesterday, at(yesterday, 21, 30)),
        item(record, yesterday + timedelta(days=1), at(yesterday + timedelta(days=1), 8, 30)),
    ]
    body = post(world.client("grid_a"), items)
    assert [r["result"] for r in body["results"]] == ["created", "refused"]
    assert "不在管控中" in body["results"][1]["message"]


def test_the_action_stores_on_the_given_day_and_slot(world, clock, record) -> None:
    yesterday = clock.today
    now = clock.set(yesterday + timedelta(days=1), 1, 0)
    followup, created = actions.record_followup(
        key_person=record,
        client_id=uuid.uuid4(),
        slot=1,
        method=FollowUp.Method.VISIT,
        day=yesterday,
        recorded_at=at(yesterday, 12, 30),
        by=world.grid_worker_a,
        now=now,
    )
    assert created
    assert (followup.day, followup.slot, followup.late) == (yesterday, 1, True)
    with pytest.raises(ValidationError, match="已过补记期限"):
        actions.record_followup(
            key_person=record,
            client_id=uuid.uuid4(),
            slot=2,
            method=FollowUp.Method.PHONE,
            day=yesterday - timedelta(days=1),
            recorded_at=at(yesterday - timedelta(days=1), 15, 0),
            by=world.grid_worker_a,
            now=now,
        )


def test_yesterday_s_upload_is_entered_and_audited_as_a_backfill(world, clock, record) -> None:
    """As 补录 on the page: the time it was entered beside the time it was done, and an
    audit row naming who entered it; sent again, one row and one audit row."""
    from shouwang.accounts.models import AuditEvent

    yesterday = clock.today
    now = clock.set(yesterday + timedelta(days=1), 0, 40)
    sent = item(record, yesterday, at(yesterday, 19, 40))
    assert post(world.client("grid_a"), [sent])["results"][0]["result"] == "created"
    assert post(world.client("grid_a"), [sent])["results"][0]["result"] == "duplicate"
    stored = FollowUp.objects.get()
    assert stored.recorded_at == at(yesterday, 19, 40)
    assert stored.entered_at == now
    assert not stored.late
    (event,) = AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_id=str(stored.pk), detail__startswith="补录"
    )
    assert event.user == world.grid_worker_a
    assert "19:40" in event.detail


def test_today_s_upload_is_no_backfill(world, clock, record) -> None:
    today = clock.today
    clock.set(today, 14, 30)
    post(world.client("grid_a"), [item(record, today, at(today, 14, 10))])
    assert FollowUp.objects.get().entered_at is None


def test_yesterday_s_upload_before_its_slot_opened_is_refused_under_recorded_at(
    world, clock, record
) -> None:
    yesterday = clock.today
    clock.set(yesterday + timedelta(days=1), 0, 40)
    result = post(world.client("grid_a"), [item(record, yesterday, at(yesterday, 13, 0))])
    assert result["results"][0]["result"] == "refused"
    assert set(result["results"][0]["errors"]) == {"recorded_at"}
    assert not FollowUp.objects.exists()


def test_today_s_slot_of_a_record_ended_since_is_entered_and_audited_as_a_backfill(
    world, clock, record
) -> None:
    """Released at 13:00 after missing the morning slot (06:00-12:00): the phone's
    upload of that slot is a 补录, as on the page — the upload time kept as entered_at and
    an audit row naming who sent it; a time after the release refused."""
    from shouwang.accounts.models import AuditEvent

    today = clock.today
    clock.set(today, 13, 0)
    actions.change_status(
        key_person=record,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.ORDERED_RELEASE,
        by=world.staff_a,
    )
    now = clock.set(today, 13, 30)
    grid = world.client("grid_a")

    after = post(grid, [item(record, today, at(today, 13, 10), slot=1)])["results"][0]
    body = post(grid, [item(record, today, at(today, 12, 40), slot=1)])

    assert after["result"] == "refused"
    assert "不在管控中" in after["message"]
    assert body["results"][0]["result"] == "created"
    stored = FollowUp.objects.get()
    assert (stored.day, stored.slot, stored.late) == (today, 1, True)
    assert stored.entered_at == now
    (event,) = AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_id=str(stored.pk), detail__startswith="补录"
    )
    assert event.user == world.grid_worker_a
    assert "12:40" in event.detail
