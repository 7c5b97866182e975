"""``shouwang worker --once`` says what it ran: a line per task and scheduled job (name,
result, duration), then a summary, so an operator running it by hand sees it worked."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_tasks import task

from shouwang.core import schedule, worker
from shouwang.core.schedule import ScheduledJob


@task()
def succeed() -> None:
    pass


@task()
def fail() -> None:
    raise ValueError("坏数据")


@pytest.fixture
def database_queue(settings, transactional_db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SCHEDULED_JOBS = True


def run_once(*args: str) -> list[str]:
    out = StringIO()
    call_command("worker", "--once", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_prints_each_task_and_job_and_a_summary(database_queue, monkeypatch) -> None:
    monkeypatch.setattr(
        schedule,
        "jobs",
        lambda: [
            ScheduledJob("no_such_command", timedelta(minutes=5), "坏任务"),
            ScheduledJob("report_reminders", timedelta(minutes=15), "日报催报提醒"),
        ],
    )
    succeed.enqueue()
    fail.enqueue()
    lines = run_once()
    assert len(lines) == 5, lines
    tasks = {line for line in lines if line.startswith("后台任务")}
    assert any(
        re.search(r"test_worker_once_output\.succeed：成功（\d+\.\d\d 秒）", t) for t in tasks
    )
    assert any(
        re.search(r"test_worker_once_output\.fail：失败（\d+\.\d\d 秒）.*ValueError", t)
        for t in tasks
    )
    jobs = [line for line in lines if line.startswith("定时任务")]
    assert re.search(r"no_such_command：失败（\d+\.\d\d 秒）", jobs[0])
    assert re.search(r"report_reminders：成功（\d+\.\d\d 秒）", jobs[1])
    assert lines[-1] == "本轮完成：后台任务 2 个（失败 1 个），定时任务 2 个（失败 1 个）"


def test_an_idle_round_says_so(database_queue, monkeypatch) -> None:
    monkeypatch.setattr(schedule, "jobs", lambda: [])
    assert run_once() == ["本轮完成：后台任务 0 个，定时任务 0 个（无到期）"]


def test_without_the_schedule_it_says_the_jobs_were_left(database_queue) -> None:
    succeed.enqueue()
    lines = run_once("--no-schedule")
    assert lines[-1] == "本轮完成：后台任务 1 个，定时任务未运行（--no-schedule）"


def test_a_round_a_database_error_stopped_says_so(database_queue, monkeypatch) -> None:
    def locked(self) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(worker.HeartbeatWorker, "run", locked)
    lines = run_once("--no-schedule")
    assert lines[-1].startswith("本轮因数据库错误中止（OperationalError: database is locked）")
