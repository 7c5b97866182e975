"""Base model and shared field types."""

import secrets
from datetime import datetime

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
