"""Data that reaches a closed day late (an offline checkpoint phone uploading its
check-ins the next morning) gets into that day's roll-up by the scheduled job, while a
submitted report keeps its figures."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint
from shouwang.reports import actions, days
from shouwang.reports import rollup as rollups
from shouwang.reports.models import DailyFigure
from shouwang.reports.rollup import auto_values, due_days, rollup

from .data import MOVED_DAY as DAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def day(now):
    assert days.last_closed_day() == DAY
    return DAY


@pytest.fixture
def checkpoints(world):
    return make_checkpoint(world.building_a), make_checkpoint(world.building_b)


def submit(world, community, day):
    auto = auto_values(community, day)
    report = actions.report_for(community=community, day=day)
    return actions.submit_report(
        report=report,
        values={d.code: int(auto.get(d.code) or 0) for d in actions.editable()},
        reasons={},
        by=world.staff_b,
        now=days.window(day).end + timedelta(minutes=10),
    )


def age(day, hours):
    """Make the day's figures look rolled up ``hours`` ago."""
    moment = days.window(DAY).end + timedelta(hours=8)
    DailyFigure.objects.filter(day=day).update(computed_at=moment - timedelta(hours=hours))


def figure(area, day):
    return DailyFigure.objects.get(area=area, day=day)


def test_late_check_ins_reach_the_closed_day_and_a_submitted_report_stays(world, day, checkpoints):
    a, b = checkpoints
    span = days.window(day)
    make_checkin(a, at=span.start + timedelta(hours=2))
    make_checkin(b, at=span.start + timedelta(hours=2))
    rollup(day)
    submit(world, world.community_b, day)
    rollup(day)
    assert figure(world.subdistrict, day).values["persons_checked"] == 2
    # Uploaded the next morning by phones that were offline, for the closed day.
    make_checkin(a, at=span.end - timedelta(minutes=30))
    make_checkin(b, at=span.end - timedelta(minutes=30))
    call_command("report_rollup")
    assert figure(world.subdistrict, day).values["persons_checked"] == 2  # within the hour
    age(day, 2)
    call_command("report_rollup")
    assert figure(world.community_a, day).values["persons_checked"] == 2
    submitted = figure(world.community_b, day)
    assert submitted.values["persons_checked"] == 1  # locked: as reported
    assert submitted.auto["persons_checked"] == 2  # what the system counts now
    assert figure(world.subdistrict, day).values["persons_checked"] == 3
    assert figure(world.subdistrict, day).submitted == 1


def test_older_days_are_counted_again_less_often_and_one_per_run(world, day, checkpoints):
    for back in range(9):
        rollup(day - timedelta(days=back))
    age(day, 0.5)
    for back in range(1, 9):
        age(day - timedelta(days=back), 2.5)
    # Two days back: last counted 2.5 hours ago, due every 3 hours; the day before
    # yesterday (every 2 hours) is due, and only it.
    assert due_days() == [days.open_day(), day - timedelta(days=1)]
    age(day - timedelta(days=1), 0)
    age(day - timedelta(days=3), 5)
    assert due_days() == [days.open_day(), day - timedelta(days=3)]
    age(day - timedelta(days=2), 3.5)
    age(day - timedelta(days=6), 7.5)
    assert due_days()[1:] == [day - timedelta(days=6)]  # the longest since its roll-up
    for back in range(7):
        age(day - timedelta(days=back), 0)
    age(day - timedelta(days=7), 100)
    assert due_days() == [days.open_day()]  # 7 days back: no more uploads then


def test_a_submission_right_after_the_cutoff_does_not_skip_the_final_rollup(
    world, day, checkpoints
):
    span = days.window(day)
    make_checkin(checkpoints[0], at=span.end - timedelta(minutes=1))
    with mock.patch("django.utils.timezone.now", return_value=span.end - timedelta(minutes=3)):
        rollup(day)  # the day still in progress, minutes before its cutoff
    submit(world, world.community_b, day)  # before the job's first run after the cutoff
    assert day in due_days()
    call_command("report_rollup")
    assert figure(world.community_a, day).values["persons_checked"] == 1
    assert figure(world.subdistrict, day).submitted == 1
    assert day not in due_days()


def test_a_report_submitted_while_the_rollup_runs_is_not_lost(world, day):
    rollup(day)
    store = rollups._store

    def store_after_a_submission(*args, **kwargs):
        submit(world, world.community_b, day)
        store(*args, **kwargs)

    with mock.patch.object(rollups, "_store", store_after_a_submission):
        rollup(day)
    assert figure(world.community_b, day).submitted == 1
    assert figure(world.subdistrict, day).submitted == 1


def test_a_day_before_the_calendar_is_refused_by_the_command(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("report_rollup", day="0001-01-01")


def test_back_counts_from_the_day_given_or_from_the_day_in_progress(world, day):
    rolled: list[date] = []
    with mock.patch(
        "shouwang.reports.management.commands.report_rollup.rollup",
        side_effect=lambda one: rolled.append(one) or rollup(one),
    ):
        call_command("report_rollup", day=(day - timedelta(days=5)).isoformat(), back=1)
        assert rolled == [day - timedelta(days=6), day - timedelta(days=5)]
        rolled.clear()
        call_command("report_rollup", back=2)
    assert rolled == [days.open_day() - timedelta(days=n) for n in (2, 1, 0)]
