"""Days end at midnight Asia/Shanghai while moments are stored in UTC: a follow-up, a
registration or a release at 23:50 local belongs to that day, one at 00:10 to the next
(both fall on the same UTC date). Report figures for a [start, end) window."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from shouwang.watch import actions, figures, schedule
from shouwang.watch.models import Alert, FollowUp, KeyPerson, WatchPolicy
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db

D1 = date(2020, 2, 1)
D2 = date(2020, 2, 2)


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=schedule.zone())


@pytest.fixture
def day_and_night(world) -> None:
    WatchPolicy.objects.create(
        community=world.community_a, slots="白天 00:00-11:00；晚上 11:00-23:59"
    )


def test_a_local_day_starts_at_16_00_utc_the_day_before() -> None:
    start, end = schedule.day_window(D1)
    assert start.astimezone(UTC) == datetime(2020, 1, 31, 16, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2020, 2, 1, 16, 0, tzinfo=UTC)
    assert schedule.local_day(datetime(2020, 2, 1, 15, 59, tzinfo=UTC)) == D1
    assert schedule.local_day(datetime(2020, 2, 1, 16, 0, tzinfo=UTC)) == D2


def test_follow_ups_either_side_of_local_midnight_fall_on_their_local_day(
    world, day_and_night
) -> None:
    record = f.key_person(world.building_a, start=D1, created_at=local(D1, 0, 0) - timedelta(1))
    late = local(D1, 23, 50)
    early = local(D2, 0, 10)
    assert late.astimezone(UTC).date() == early.astimezone(UTC).date() == D1  # same UTC date
    for moment, slot in ((late, 2), (early, 1)):
        actions.record_followup(
            key_person=record,
            client_id=uuid.uuid4(),
            slot=slot,
            method="phone",
            by=None,
            now=moment,
        )
    assert list(FollowUp.objects.order_by("recorded_at").values_list("day", "slot")) == [
        (D1, 2),
        (D2, 1),
    ]


def test_window_figures_follow_local_days(world, day_and_night) -> None:
    before = f.key_person(world.building_a, "早登记", start=D1, created_at=local(D1, 8))
    f.key_person(world.building_a, "晚登记", start=D1, created_at=local(D1, 23, 50))
    f.key_person(world.building_a, "凌晨登记", start=D2, created_at=local(D2, 0, 10))
    f.key_person(world.building_b, "B社区", start=D1, created_at=local(D1, 9))
    # Released at 23:55 on D1 (15:55 UTC).
    actions.change_status(
        key_person=before, status="released", reason="ordered_release", by=world.staff_a
    )
    KeyPerson.objects.filter(pk=before.pk).update(ended_at=local(D1, 23, 55))
    fever = f.alert(world.building_a2, kind=Alert.Kind.FEVER)
    Alert.objects.filter(pk=fever.pk).update(raised_at=local(D1, 23, 58))
    f.alert(world.building_a2, kind=Alert.Kind.SYMPTOM)  # not a fever

    now = local(D2, 23, 59)
    d1 = figures.window_figures(
        world.community_a, start=schedule.day_start(D1), end=schedule.day_start(D2)
    )
    d2 = figures.figures_by_community(
        [world.community_a, world.community_b],
        start=schedule.day_start(D2),
        end=schedule.day_start(D2 + timedelta(1)),
        now=now,
    )
    assert (d1.new, d1.released, d1.fevers, d1.in_observation) == (2, 1, 1, 1)
    assert (d2[world.community_a.pk].new, d2[world.community_a.pk].released) == (1, 0)
    assert d2[world.community_a.pk].in_observation == 2
    assert d2[world.community_b.pk].in_observation == 1
    assert d2[world.community_b.pk].new == 0
    # Overdue on D2: nobody followed up; 晚登记 and 凌晨登记 owe both slots whose deadline
    # passed before ``now`` (23:59 deadline == now counts as passed).
    assert d2[world.community_a.pk].overdue == 4


def test_the_in_observation_figure_is_taken_at_a_cutoff(world) -> None:
    record = f.key_person(world.building_a, start=D1, created_at=local(D1, 8))
    actions.change_status(key_person=record, status="left", reason="left_area", by=world.staff_a)
    KeyPerson.objects.filter(pk=record.pk).update(ended_at=local(D1, 16))
    cutoff_15 = figures.window_figures(
        world.community_a, start=local(D1, 15) - timedelta(days=1), end=local(D1, 15)
    )
    cutoff_17 = figures.window_figures(
        world.community_a, start=local(D1, 17) - timedelta(days=1), end=local(D1, 17)
    )
    assert cutoff_15.in_observation == 1
    assert cutoff_17.in_observation == 0


def test_slots_due_follow_registration_and_period(world) -> None:
    record = f.key_person(world.building_a, start=D1, days=2, created_at=local(D1, 13))
    due = list(schedule.due_slots(record, schedule.DEFAULT, first=D1, last=D2 + timedelta(5)))
    # Registered at 13:00: the morning slot of D1 is not owed; the period is D1..D2.
    assert [(d.day, d.slot.number) for d in due] == [(D1, 2), (D2, 1), (D2, 2)]
    missed = schedule.overdue_slots([record], now=local(D2, 12, 30))
    assert [(d.day, d.slot.number) for d in missed] == [(D2, 1), (D1, 2)]


def test_the_queryset_methods_agree_with_the_figures(world) -> None:
    from shouwang.watch.models import KeyPerson

    f.key_person(world.building_a, "一", start=D1, created_at=local(D1, 8))
    left = f.key_person(world.building_a, "二", start=D1, created_at=local(D1, 23, 30))
    actions.change_status(key_person=left, status="released", reason="wrong_info", by=None)
    KeyPerson.objects.filter(pk=left.pk).update(ended_at=local(D2, 9))
    start, end = schedule.day_window(D2)
    figure = figures.window_figures(world.community_a, start=start, end=end)
    records = KeyPerson.objects.within(world.community_a)
    assert records.in_observation_at(end).count() == figure.in_observation == 1
    assert records.new_between(start, end).count() == figure.new == 0
    assert records.released_between(start, end).count() == figure.released == 1
    assert records.new_between(*schedule.day_window(D1)).count() == 2


def test_the_counts_page_s_shared_read_gives_the_window_figures(world, clock, policy_a) -> None:
    day = clock.today
    clock.set(day, 9, 0)
    done = f.key_person(world.building_a, "随访了")
    missed = f.key_person(world.building_a2, "漏了")
    released = f.key_person(world.building_a, "漏了后解除")
    f.key_person(world.building_b, "B社区")
    clock.set(day, 10, 0)
    actions.record_followup(
        key_person=done, client_id=uuid.uuid4(), slot=1, method="phone", by=None
    )
    clock.set(day, 12, 10)  # after the morning deadline
    actions.change_status(
        key_person=released, status="released", reason="ordered_release", by=world.staff_a
    )
    now = clock.set(day, 12, 30)
    shared = figures.today(world.community_a, now=now)
    assert shared.figures == figures.window_figures(
        world.community_a, start=schedule.day_start(day), end=schedule.day_start(day + timedelta(1))
    )
    # The released record's missed slot counts in the day's figure and in the day's
    # missed slots alike (the counts page lists it, marked 已解除); it is no longer
    # among those under control.
    assert shared.figures.overdue == 2
    assert sorted((d.key_person_id, d.slot.number) for d in shared.missed) == [
        (missed.pk, 1),
        (released.pk, 1),
    ]
    assert [r.pk for r in shared.active] == [missed.pk, done.pk]
    assert {r.pk for r in shared.owing} == {missed.pk, done.pk, released.pk}
    records = list(KeyPerson.objects.within(world.community_a).select_related("area"))
    by_instances = schedule.today_sheet(records, now=now)

    def states(sheet: dict) -> dict:
        return {pk: [(s.slot.number, s.state) for s in slots] for pk, slots in sheet.items()}

    assert states(shared.sheet) == states(by_instances)
    assert states(shared.sheet)[done.pk] == [(1, "done"), (2, "upcoming")]
    assert states(shared.sheet)[released.pk] == [(1, "overdue"), (2, "not_due")]


def test_a_period_counts_its_days_and_a_same_day_release_is_one(world) -> None:
    record = f.key_person(world.building_a, start=D1)
    assert record.observed_days(record.planned_end) == 14  # the notice's 共14天
    assert record.day_number(D1) == 1
    assert record.observed_days(D1) == 1  # released on its first day: 共1天, not 共0天
    assert record.observed_days(D2) == 1
    assert record.observed_days(D1 + timedelta(days=3)) == 3


@pytest.fixture
def to_midnight(world) -> None:
    WatchPolicy.objects.create(
        community=world.community_a, slots="白天 08:00-20:00；晚上 20:00-24:00"
    )


def test_a_slot_ending_at_24_00_is_counted_once_in_the_window_of_its_deadline(
    world, to_midnight
) -> None:
    """D1's 晚上 ends at 24:00, the midnight starting D2: a report window ending at that
    midnight does not count it (not yet passed at its end), the one starting there
    does, and the page of D2 lists it among today's missed slots."""
    record = f.key_person(world.building_a, start=D1, created_at=local(D1, 20, 30))
    now = local(D2, 8)
    d1 = figures.figures_by_community(
        [world.community_a], start=schedule.day_start(D1), end=schedule.day_start(D2), now=now
    )[world.community_a.pk]
    d2 = figures.figures_by_community(
        [world.community_a],
        start=schedule.day_start(D2),
        end=schedule.day_start(D2 + timedelta(1)),
        now=now,
    )[world.community_a.pk]
    assert (d1.overdue, d2.overdue) == (0, 1)
    today = figures.today(world.community_a, now=now)
    assert today.figures.overdue == 1
    assert [(d.key_person_id, d.day, d.slot.number) for d in today.missed] == [(record.pk, D1, 2)]
    # Uploaded late, it is no longer counted.
    actions.record_followup(
        key_person=record,
        client_id=uuid.uuid4(),
        slot=2,
        method="phone",
        by=None,
        day=D1,
        recorded_at=local(D1, 21),
        now=local(D2, 8, 30),
    )
    assert figures.today(world.community_a, now=local(D2, 9)).figures.overdue == 0


def test_the_overdue_page_of_one_day_lists_yesterday_s_slot_ending_at_24_00(
    world, clock, to_midnight
) -> None:
    clock.set(D1, 20, 30)
    f.key_person(world.building_a, "李四", start=D1)
    clock.set(D2, 0, 10)
    page = world.client("staff_a").get(reverse("watch:overdue"), {"days": "1"}).content.decode()
    assert "李四" in page
    stats = world.client("staff_a").get(reverse("watch:stats")).content.decode()
    assert '<div class="card-n">1</div><div class="card-l">今日逾期随访</div>' in stats
    # Listed with its day: 晚上 (截止 24:00) alone would read as tonight's.
    assert "<td>2月1日晚上</td>" in stats


def test_the_counts_tables_count_yesterday_s_missed_slot_to_24_00_as_the_card(
    world, clock, to_midnight
) -> None:
    """The per-community and per-worker tables count the day's overdue slots as the
    card does: D1's 晚上 missed, due at the midnight starting D2, is overdue on D2."""
    import io

    from openpyxl import load_workbook

    clock.set(D1, 20, 30)
    f.key_person(world.building_a, "李四", start=D1)
    clock.set(D2, 9, 0)
    client = world.client("staff_a")
    stats = client.get(reverse("watch:stats")).content.decode()
    assert '<div class="card-n">1</div><div class="card-l">今日逾期随访</div>' in stats
    for table in ("due", "workers"):
        response = client.get(reverse("watch:stats_export", args=[table]))
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        # 在管 1; 应随访: D2's 白天 and 晚上 and D1's 晚上; none done; D1's 晚上 overdue.
        assert rows[-1] == ("合计", 1, 3, 0, 1)
        cells = "".join(f"<td>{v}</td>" for v in rows[-1])
        assert cells in stats


def test_today_s_header_counts_yesterday_s_slot_to_24_00_as_its_card_and_the_counts_page(
    world, clock, to_midnight
) -> None:
    """D1's 晚上 (to 24:00) missed is listed on D2's 今日随访 to 补录: the header counts it
    as due and overdue, as the counts page does, and once 补录 as due and done."""
    clock.set(D1, 20, 30)
    record = f.key_person(world.building_a, "李四", start=D1)
    clock.set(D2, 9, 0)
    grid = world.client("grid_a")

    page = grid.get(reverse("watch:today")).content.decode()

    assert "2月1日晚上" in page
    assert '应随访 3 次，已完成 0 次，<span class="bad">逾期 1 次</span>' in page
    api = grid.get("/api/v1/watch/today").json()
    assert api["total"] == {"due": 3, "done": 0, "overdue": 1}
    assert api["cards"][0]["progress"] == api["total"]

    response = grid.post(
        reverse("watch:backfill", args=[record.pk]),
        {
            "client_id": str(uuid.uuid4()),
            "slot_day": D1.isoformat(),
            "slot": "2",
            "method": "phone",
            "done_at": "21:00",
        },
        HTTP_HX_REQUEST="true",
    )

    assert "应随访 3 次，已完成 1 次</p>" in response.content.decode()
    assert "应随访 3 次，已完成 1 次</p>" in grid.get(reverse("watch:today")).content.decode()
    stats = world.client("staff_a").get(reverse("watch:stats")).content.decode()
    assert "<td>合计</td><td>1</td><td>3</td><td>1</td><td>0</td>" in stats
