"""``shouwang worker``: runs queued tasks and records the heartbeat the HQ page shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from shouwang.core import worker
from shouwang.core.models import WorkerHeartbeat

DONE: list[str] = []


@task()
def remember(value: str) -> None:
    DONE.append(value)


@pytest.fixture
def database_queue(settings, transactional_db):
    """The database queue, outside a test transaction: like Django's request cycle, the
    worker closes a connection left out of autocommit mode."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    DONE.clear()


def test_it_runs_queued_tasks_and_records_a_heartbeat(database_queue) -> None:
    remember.enqueue("第一件")
    remember.enqueue("第二件")
    assert DONE == []
    call_command("worker", "--once")
    assert sorted(DONE) == ["第一件", "第二件"]
    assert DBTaskResult.objects.successful().count() == 2
    heartbeat = WorkerHeartbeat.objects.get()
    assert timezone.now() - heartbeat.seen_at < timedelta(seconds=30)
    assert worker.status().running


def test_it_beats_without_tasks(database_queue) -> None:
    call_command("worker", "--once")
    assert WorkerHeartbeat.objects.count() == 1


def test_it_beats_at_most_once_per_interval(database_queue, settings) -> None:
    settings.WORKER_HEARTBEAT_SECONDS = 3600
    process = worker.HeartbeatWorker(queue_names=["*"], interval=0, backend_name="default")
    process.beat()
    first = WorkerHeartbeat.objects.get().seen_at
    process.beat()
    assert WorkerHeartbeat.objects.get().seen_at == first
    settings.WORKER_HEARTBEAT_SECONDS = 0
    process.beat()
    assert WorkerHeartbeat.objects.get().seen_at > first


def test_the_status_without_any_heartbeat(db) -> None:
    assert worker.status() == worker.WorkerStatus(running=False, last_seen=None)


def test_the_status_after_the_stale_limit(db, settings) -> None:
    old = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    WorkerHeartbeat.objects.create(host="h", pid=1, started_at=old, seen_at=old)
    assert worker.status() == worker.WorkerStatus(running=False, last_seen=old)


@task()
def fail_on_purpose() -> None:
    raise ValueError("任务本身出错")


def test_a_task_whose_failure_cannot_be_recorded_at_first_is_recorded_and_the_worker_goes_on(
    database_queue, monkeypatch
) -> None:
    # On SQLite a write elsewhere can keep the database locked past the busy timeout
    # just when the worker records a failure: that used to end the worker process.
    monkeypatch.setattr(worker, "RECORD_BACKOFF_SECONDS", 0)
    set_failed = DBTaskResult.set_failed
    calls = []

    def locked_once(self, exc):
        calls.append(exc)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        set_failed(self, exc)

    monkeypatch.setattr(DBTaskResult, "set_failed", locked_once)
    fail_on_purpose.enqueue()
    remember.enqueue("之后的任务")

    call_command("worker", "--once")

    failed = DBTaskResult.objects.failed().get()
    assert failed.exception_class_path == "builtins.ValueError"
    assert DONE == ["之后的任务"]
    assert worker.status().running


def test_a_database_error_ends_a_round_not_the_worker(database_queue, monkeypatch) -> None:
    process = worker.HeartbeatWorker(queue_names=["*"], interval=0, backend_name="default")
    rounds = []

    def run() -> None:
        rounds.append(1)
        if len(rounds) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        process.running = False  # the second round: stop, as on SIGTERM

    monkeypatch.setattr(process, "run", run)
    monkeypatch.setattr(process, "configure_signals", lambda: None)

    process.serve()

    assert len(rounds) == 2
