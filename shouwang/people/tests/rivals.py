"""A rival writer for the import's lock tests: ``work`` runs in a thread of its own (its
own connection, so real PostgreSQL locks) at a moment the import chooses, and the
import goes on once ``work`` has finished or waits on a lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="in-process threads need PostgreSQL"
)


def waiting_on_a_lock() -> bool:
    """Whether a session of this test database waits on a lock now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


class Rival:
    """Subclasses call ``start`` from the step of the import they patch."""

    never_started = "the import never reached the step"
    join_seconds = 30

    def __init__(self, work: Callable[[], Any]) -> None:
        self.work = work
        self.outcome: Any = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        def run() -> None:
            try:
                self.outcome = self.work()
            except Exception as exc:  # the outcome is what the test asserts
                self.outcome = exc
            finally:
                connection.close()

        self.thread = threading.Thread(target=run)
        self.thread.start()
        deadline = time.monotonic() + 10
        while self.thread.is_alive() and time.monotonic() < deadline:
            if waiting_on_a_lock():
                return
            time.sleep(0.02)

    def result(self) -> Any:
        assert self.thread is not None, self.never_started
        self.thread.join(timeout=self.join_seconds)
        return self.outcome
