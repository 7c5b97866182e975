"""Scheduled jobs: the worker runs each app's idempotent commands when they are due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shouwang.core import schedule, worker
from shouwang.core.models import ScheduledRun
from shouwang.core.schedule import ScheduledJob
from shouwang.core.tests.personas import World
from shouwang.reports.models import DailyFigure

EXPECTED = {
    "cases_unreached",
    "checkin_partitions",
    "purge_checkins",
    "purge_personal_data",
    "report_rollup",
    "report_reminders",
    "watch_overdue",
}


@pytest.fixture
def scheduled(settings) -> None:
    settings.SCHEDULED_JOBS = True


# Like Django's request cycle, the worker closes a connection left out of autocommit
# mode: tests that run it keep their data outside a test transaction.
through_the_worker = pytest.mark.django_db(transaction=True)


def test_the_apps_declare_their_jobs() -> None:
    assert {job.command for job in schedule.jobs()} == EXPECTED
    by_command = {job.command: job for job in schedule.jobs()}
    assert by_command["report_rollup"].every == timedelta(minutes=5)
    assert by_command["report_rollup"].every_label == "每 5 分钟"
    assert by_command["purge_personal_data"].every_label == "每 1 小时"


@through_the_worker
def test_a_worker_round_runs_every_due_job_once(world: World, scheduled) -> None:
    call_command("worker", "--once")
    runs = {run.name: run for run in ScheduledRun.objects.all()}
    assert set(runs) == EXPECTED
    assert all(run.succeeded for run in runs.values()), {r.name: r.message for r in runs.values()}
    assert "个社区" in runs["report_rollup"].message
    assert runs["report_rollup"].due_at > timezone.now() + timedelta(minutes=4)
    # The roll-up really ran: the day in progress has its figures.
    assert DailyFigure.objects.exists()

    finished = {run.name: run.finished_at for run in runs.values()}
    call_command("worker", "--once")  # nothing is due yet
    assert {r.name: r.finished_at for r in ScheduledRun.objects.all()} == finished


@through_the_worker
def test_a_job_runs_again_once_it_is_due(world: World, scheduled) -> None:
    call_command("worker", "--once")
    first = ScheduledRun.objects.get(name="watch_overdue").finished_at
    ScheduledRun.objects.filter(name="watch_overdue").update(
        due_at=timezone.now() - timedelta(seconds=1)
    )
    call_command("worker", "--once")
    runs = {run.name: run.finished_at for run in ScheduledRun.objects.all()}
    assert runs["watch_overdue"] > first
    assert runs["report_rollup"] < runs["watch_overdue"]


@through_the_worker
def test_the_worker_can_leave_the_jobs_to_cron(world: World, scheduled) -> None:
    call_command("worker", "--once", "--no-schedule")
    assert not ScheduledRun.objects.exists()


@through_the_worker
def test_the_setting_turns_the_jobs_off(world: World, settings) -> None:
    settings.SCHEDULED_JOBS = False
    call_command("worker", "--once")
    assert not ScheduledRun.objects.exists()


def test_only_one_of_two_workers_claims_a_due_run(db) -> None:
    now = timezone.now()
    ScheduledRun.objects.create(name="report_rollup", due_at=now)
    every = timedelta(minutes=5)
    claims = [ScheduledRun.objects.claim("report_rollup", now=now, every=every) for _ in "ab"]
    assert claims == [True, False]
    assert ScheduledRun.objects.get().due_at == now + every


def test_a_failing_job_is_recorded_and_the_others_still_run(
    world: World, scheduled, monkeypatch
) -> None:
    broken = ScheduledJob("no_such_command", timedelta(minutes=5), "坏任务")
    good = ScheduledJob("report_reminders", timedelta(minutes=15), "日报催报提醒")
    monkeypatch.setattr(schedule, "jobs", lambda: [broken, good])
    assert list(worker.run_due_jobs()) == ["no_such_command", "report_reminders"]
    failed = ScheduledRun.objects.get(name="no_such_command")
    assert failed.succeeded is False
    assert "no_such_command" in failed.message
    assert ScheduledRun.objects.get(name="report_reminders").succeeded is True


@through_the_worker
def test_hq_sees_each_job_with_its_last_run(world: World, scheduled) -> None:
    call_command("worker", "--once")
    calm = world.client("hq").get(reverse("core:home")).content.decode()
    assert '<details class="jobs">' in calm  # folded while every job is fine
    ScheduledRun.objects.filter(name="watch_overdue").update(
        succeeded=False, message="OperationalError: 数据库忙"
    )
    ScheduledRun.objects.filter(name="report_reminders").update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    response = world.client("hq").get(reverse("core:home"))
    body = response.content.decode()
    assert "定时任务" in body
    for label in ("日报数字汇总", "日报催报提醒", "逾期随访预警", "过期个人信息清理"):
        assert label in body
    assert "过期通行记录清理" in body
    assert "OperationalError: 数据库忙" in body
    assert body.count('<span class="badge red">失败</span>') == 1
    assert body.count('<span class="badge red">逾期</span>') == 1
    assert '<details class="jobs" open>' in body


def test_hq_sees_no_overdue_jobs_when_cron_runs_them(world: World, settings) -> None:
    settings.SCHEDULED_JOBS = False
    body = world.client("hq").get(reverse("core:home")).content.decode()
    assert '<span class="badge red">逾期</span>' not in body
    assert '<details class="jobs"' not in body
    assert "由 cron 等系统计划任务运行" in body


def test_community_staff_do_not_see_the_jobs(world: World) -> None:
    response = world.client("staff_a").get(reverse("core:home"))
    assert "定时任务" not in response.content.decode()


def test_an_idle_round_reads_once_and_writes_nothing(world: World, scheduled) -> None:
    list(worker.run_due_jobs())
    with CaptureQueriesContext(connection) as queries:
        assert list(worker.run_due_jobs()) == []
    assert len(queries) == 1
    assert queries[0]["sql"].lstrip().upper().startswith("SELECT")
