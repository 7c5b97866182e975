"""The background task worker with a heartbeat the HQ home page shows.

``shouwang worker`` runs django-tasks-db's ``Worker`` in batch mode in a loop: record a
heartbeat, run every ready task, run the scheduled jobs that are due (``core.schedule``),
sleep, again. The heartbeat is also recorded after each
task, so a long queue keeps it fresh; a single task running longer than
``WORKER_STALE_SECONDS`` shows the worker as not running until it finishes.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import schedule
from .models import ScheduledRun, WorkerHeartbeat

logger = logging.getLogger(__name__)

MESSAGE_LENGTH = 500
# Recording a task's end after a database error: attempts, and the wait before each
# (times the attempt number).
RECORD_ATTEMPTS = 3
RECORD_BACKOFF_SECONDS = 1.0


@dataclass(frozen=True)
class WorkerStatus:
    running: bool
    last_seen: datetime | None


def status() -> WorkerStatus:
    last_seen = WorkerHeartbeat.objects.last_seen()
    stale = timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return WorkerStatus(
        running=last_seen is not None and timezone.now() - last_seen <= stale,
        last_seen=last_seen,
    )


# Told of each scheduled job run: its command, whether it succeeded, its message (the
# output's last line, or the error) and how long it took in seconds.
JobFinished = Callable[[str, bool, str, float], None]


def run_due_jobs(on_finished: JobFinished | None = None) -> Iterator[str]:
    """Run each scheduled job that is due (``core.schedule``), one after the other,
    recording how it ended; yields each job's command once it has finished."""
    jobs = schedule.jobs()
    # One read per round (every second when idle): only a job that is due, or new, is
    # claimed, so an idle worker writes nothing (a write would queue behind check-ins
    # on SQLite).
    due_at = dict(ScheduledRun.objects.values_list("name", "due_at"))
    for job in jobs:
        now = timezone.now()
        if job.command not in due_at:
            ScheduledRun.objects.get_or_create(name=job.command, defaults={"due_at": now})
        elif due_at[job.command] > now:
            continue
        if not ScheduledRun.objects.claim(job.command, now=now, every=job.every):
            continue
        output = io.StringIO()
        started = time.monotonic()
        try:
            call_command(job.command, stdout=output, stderr=output)
        except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
            logger.exception("scheduled job %s failed", job.command)
            succeeded, message = False, f"{type(exc).__name__}: {exc}"
        else:
            lines = output.getvalue().strip().splitlines()
            succeeded, message = True, lines[-1] if lines else ""
        ScheduledRun.objects.filter(name=job.command).update(
            finished_at=timezone.now(), succeeded=succeeded, message=message[:MESSAGE_LENGTH]
        )
        if on_finished is not None:
            on_finished(job.command, succeeded, message, time.monotonic() - started)
        yield job.command


@dataclass(frozen=True)
class JobStatus:
    job: schedule.ScheduledJob
    run: ScheduledRun | None

    @property
    def failed(self) -> bool:
        return self.run is not None and self.run.succeeded is False

    @property
    def late(self) -> bool:
        """Due for longer than one interval, or never run: no worker is running it."""
        if self.run is None:
            return True
        return self.run.due_at < timezone.now() - self.job.every


def job_status() -> list[JobStatus]:
    """Each scheduled job with its last run, for the HQ home page."""
    runs = {run.name: run for run in ScheduledRun.objects.all()}
    return [JobStatus(job, runs.get(job.command)) for job in schedule.jobs()]


class HeartbeatWorker(Worker):
    def __init__(
        self,
        *,
        queue_names: list[str],
        interval: float,
        backend_name: str,
        scheduled: bool = True,
        say: Callable[[str], None] | None = None,
    ) -> None:
        """``say``: told a line per task and scheduled job run, and of each round's
        summary (``shouwang worker --once`` prints them)."""
        super().__init__(
            queue_names=queue_names,
            interval=interval,
            batch=True,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=f"{socket.gethostname()[:40]}-{os.getpid()}",
            excluded_queue_names=[],
        )
        self.host = socket.gethostname()[:255]
        self.started_at = timezone.now()
        self.last_beat = float("-inf")
        self.scheduled = scheduled
        self.say = say
        self.counts = RoundCounts()

    def beat(self) -> None:
        """Record a heartbeat, at most once per ``WORKER_HEARTBEAT_SECONDS``."""
        if time.monotonic() - self.last_beat < settings.WORKER_HEARTBEAT_SECONDS:
            return
        try:
            WorkerHeartbeat.objects.update_or_create(
                host=self.host,
                defaults={
                    "pid": os.getpid(),
                    "started_at": self.started_at,
                    "seen_at": timezone.now(),
                },
            )
        except DatabaseError:  # a busy database must not stop the tasks
            logger.warning("could not record the worker heartbeat", exc_info=True)
            return
        self.last_beat = time.monotonic()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        started = time.monotonic()
        try:
            super().run_task(db_task_result)
        except DatabaseError as exc:
            # Recording how the task ended failed (a locked or lost database): try
            # again on a fresh connection, so the task does not stay 运行中 for ever.
            logger.exception("could not record the end of task %s", db_task_result.id)
            # The task's own error, when recording it is what failed.
            self._record_failure(db_task_result, exc.__context__ or exc)
        finally:
            self.beat()
            succeeded = db_task_result.status == TaskResultStatus.SUCCESSFUL
            lines = (db_task_result.traceback or "").strip().splitlines()
            self._ran(
                "后台任务",
                db_task_result.task_path,
                succeeded,
                "" if succeeded or not lines else lines[-1],
                time.monotonic() - started,
            )

    def _ran(self, kind: str, name: str, succeeded: bool, message: str, seconds: float) -> None:
        self.counts.add(kind, succeeded)
        if self.say is not None:
            result = "成功" if succeeded else "失败"
            self.say(f"{kind} {name}：{result}（{seconds:.2f} 秒）{message}".rstrip())

    def _job_finished(self, command: str, succeeded: bool, message: str, seconds: float) -> None:
        self._ran("定时任务", command, succeeded, message, seconds)

    def _record_failure(self, db_task_result: DBTaskResult, exc: BaseException) -> None:
        for attempt in range(RECORD_ATTEMPTS):
            connections.close_all()
            time.sleep(RECORD_BACKOFF_SECONDS * (attempt + 1))
            try:
                db_task_result.refresh_from_db(fields=["status"])
                if db_task_result.status != TaskResultStatus.RUNNING:
                    return  # recorded after all, before the error
                db_task_result.set_failed(exc)
            except DatabaseError:
                logger.warning("still could not record task %s", db_task_result.id, exc_info=True)
            else:
                return

    def serve(self, *, once: bool = False) -> None:
        """Beat, run every ready task and the scheduled jobs that are due, sleep;
        ``once``: a single round (signals left as they are, for cron and tests). A
        database error ends the round, not the worker: the next round starts on fresh
        connections."""
        if not once:
            self.configure_signals()
        while self.running:
            self.counts = RoundCounts()
            error = None
            try:
                self.beat()
                self.run()
                if self.scheduled and schedule.enabled():
                    for _ in run_due_jobs(self._job_finished):
                        self.beat()
            except DatabaseError as exc:
                logger.exception("the worker's round stopped on a database error")
                connections.close_all()
                error = exc
            if once:
                if self.say is not None:
                    self.say(self.summary(error))
                return
            time.sleep(self.interval)

    def summary(self, error: DatabaseError | None = None) -> str:
        """The round's summary line, as ``shouwang worker --once`` ends; ``error``: the
        database error that stopped it."""
        tasks = self.counts.line("后台任务")
        if not self.scheduled:
            jobs = "定时任务未运行（--no-schedule）"
        elif not schedule.enabled():
            jobs = "定时任务未运行（SHOUWANG_SCHEDULED_JOBS=0）"
        elif not self.counts.run["定时任务"] and error is None:
            jobs = "定时任务 0 个（无到期）"
        else:
            jobs = self.counts.line("定时任务")
        if error is not None:
            return f"本轮因数据库错误中止（{type(error).__name__}: {error}）：{tasks}，{jobs}"
        return f"本轮完成：{tasks}，{jobs}"


class RoundCounts:
    """How many tasks and scheduled jobs one round ran, and how many of them failed."""

    def __init__(self) -> None:
        self.run = {"后台任务": 0, "定时任务": 0}
        self.failed = {"后台任务": 0, "定时任务": 0}

    def add(self, kind: str, succeeded: bool) -> None:
        self.run[kind] += 1
        self.failed[kind] += not succeeded

    def line(self, kind: str) -> str:
        failed = f"（失败 {self.failed[kind]} 个）" if self.failed[kind] else ""
        return f"{kind} {self.run[kind]} 个{failed}"
