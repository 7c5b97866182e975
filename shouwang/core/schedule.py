"""Scheduled jobs: what the apps declare. The task worker runs them (``core.worker``):
no cron needed.

An app lists its jobs in its AppConfig as ``scheduled_jobs``: each an idempotent
management command and how often it runs (``ScheduledJob("report_rollup",
timedelta(minutes=5), "日报数字汇总")``). Every round of ``shouwang worker`` runs the
jobs that are due (unless ``SCHEDULED_JOBS`` is off or the worker was started with
``--no-schedule``); a ``ScheduledRun`` row per job records the last run and the next,
and a conditional UPDATE claims each run, so with several workers a job still runs once
per interval. A failing job is recorded and logged and does not stop the others or the
worker. The commands stay usable by hand and from cron.

This module imports no models: AppConfigs import it while the apps load.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings


@dataclass(frozen=True)
class ScheduledJob:
    command: str  # an idempotent management command, run without arguments
    every: timedelta
    label: str  # shown to HQ

    @property
    def every_label(self) -> str:
        minutes = int(self.every.total_seconds() // 60)
        if minutes and minutes % 60 == 0:
            return f"每 {minutes // 60} 小时"
        return f"每 {minutes} 分钟" if minutes else f"每 {int(self.every.total_seconds())} 秒"


def jobs() -> list[ScheduledJob]:
    """Every app's scheduled jobs, in app order."""
    return [
        job for config in apps.get_app_configs() for job in getattr(config, "scheduled_jobs", ())
    ]


def enabled() -> bool:
    return bool(getattr(settings, "SCHEDULED_JOBS", True))
