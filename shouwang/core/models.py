"""Base model and shared field types."""

import secrets
from datetime import datetime, timedelta

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


def public_code() -> str:
    """An unguessable public id for QR codes and resident-facing URLs."""
    return secrets.token_urlsafe(12)


class WorkerHeartbeatQuerySet(models.QuerySet):
    def last_seen(self) -> datetime | None:
        """When any task worker last reported itself alive."""
        return self.aggregate(last=models.Max("seen_at"))["last"]


class WorkerHeartbeat(models.Model):
    """The last sign of life of the task worker(s) on each host (``shouwang worker``)."""

    host = models.CharField("主机", max_length=255, unique=True)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间")
    seen_at = models.DateTimeField("最后心跳")

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = "后台任务进程心跳"
        verbose_name_plural = "后台任务进程心跳"

    def __str__(self) -> str:
        return f"{self.host} ({self.pid})"


class ScheduledRunQuerySet(models.QuerySet):
    def claim(self, name: str, *, now: datetime, every: timedelta) -> bool:
        """Take the job ``name`` if it is due, moving its next run ``every`` ahead: one
        conditional UPDATE, so of several workers exactly one runs it."""
        return bool(
            self.filter(name=name, due_at__lte=now).update(due_at=now + every, started_at=now)
        )


class ScheduledRun(models.Model):
    """When a scheduled job (``core.schedule``) last ran, how it ended and when it is
    next due: one row per job, shared by every worker."""

    name = models.CharField("任务", max_length=100, unique=True)
    due_at = models.DateTimeField("下次运行")
    started_at = models.DateTimeField("上次开始", null=True, blank=True)
    finished_at = models.DateTimeField("上次结束", null=True, blank=True)
    succeeded = models.BooleanField("上次成功", null=True)
    message = models.CharField("上次结果", max_length=500, blank=True)

    objects = ScheduledRunQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "定时任务"
        verbose_name_plural = "定时任务"

    def __str__(self) -> str:
        return self.name
