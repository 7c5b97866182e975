"""The background task worker with a heartbeat the HQ home page shows.

``shouwang worker`` runs django-tasks-db's ``Worker`` in batch mode in a loop: record a
heartbeat, run every ready task, sleep, again. The heartbeat is also recorded after each
task, so a long queue keeps it fresh; a single task running longer than
``WORKER_STALE_SECONDS`` shows the worker as not running until it finishes.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


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


class HeartbeatWorker(Worker):
    def __init__(self, *, queue_names: list[str], interval: float, backend_name: str) -> None:
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
        try:
            super().run_task(db_task_result)
        finally:
            self.beat()

    def serve(self, *, once: bool = False) -> None:
        """Beat, run every ready task, sleep; ``once``: a single round (signals left as
        they are, for cron and tests)."""
        if not once:
            self.configure_signals()
        while self.running:
            self.beat()
            self.run()
            if once:
                return
            time.sleep(self.interval)
