"""Helpers of long background jobs (an Excel import, a large export) whose page polls
the job's row for progress, so the user may leave and come back."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone


def save_progress(job: models.Model, **fields: Any) -> None:
    """Set ``fields`` on ``job`` and write them (and ``updated_at``) at once, outside the
    job's own transaction if it has one."""
    for name, value in fields.items():
        setattr(job, name, value)
    relaxed = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if relaxed:
            # A progress figure is not worth a disk flush (which stalls for up to half a
            # second on some disks); a crash loses at most the last second's figure.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        type(job)._default_manager.filter(pk=job.pk).update(**fields, updated_at=timezone.now())


class Ticker:
    """True at most once per ``seconds``: progress saves that cost nothing per row."""

    def __init__(self, seconds: float = 1.0) -> None:
        self.seconds = seconds
        self.last = time.monotonic()

    def due(self) -> bool:
        now = time.monotonic()
        if now - self.last < self.seconds:
            return False
        self.last = now
        return True


@contextmanager
def fewer_collections() -> Iterator[None]:
    """A job over a whole ledger allocates millions of short-lived, acyclic objects
    while its lookup tables grow; with the default thresholds the collector keeps
    re-scanning those tables (measured: ~10% of a 161,771-row import check)."""
    old = gc.get_threshold()
    gc.set_threshold(100_000, 50, 50)
    try:
        yield
    finally:
        gc.set_threshold(*old)
