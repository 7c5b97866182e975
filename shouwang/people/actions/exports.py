"""The ledger's Excel export: started, opened (audited), deleted, expired."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from .. import exporting, tasks
from ..models import ExportJob


def start_export(
    *,
    request: HttpRequest,
    filters: dict[str, str],
    scope: str,
    count: int,
    unmasked: bool,
    purpose: str = "",
    by: Any,
) -> ExportJob:
    """Record a large export (audited now, with its purpose) and write it in the
    background; ``filters`` are the search form's data, kept encrypted."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            area=by.area,
            created_by=by,
            unmasked=unmasked,
            purpose=purpose,
            scope=scope[:300],
            filters_enc=exporting.encrypt_filters(filters),
            total_rows=count,
        )
        detail = exporting.audit_detail(
            unmasked=unmasked, count=count, filters=scope, purpose=purpose
        )
        audit.record(
            action=AuditEvent.Action.EXPORT, request=request, obj=job, detail=detail + "；后台生成"
        )
        transaction.on_commit(lambda: tasks.run_export.enqueue(job.pk))
    return job


def open_export(*, job: ExportJob, request: HttpRequest) -> BinaryIO:
    """The file of a finished export, opened for its owner's download, which is audited
    (each one: the file may be passed on). ValidationError when there is none: not yet
    written, deleted, or past its retention period (then deleted now)."""
    if job.status != ExportJob.Status.DONE:
        raise ValidationError("文件还没有生成或已删除")
    if job.expires_at is None or job.expires_at <= timezone.now():
        delete_export(job=job, by=None)
        raise ValidationError("文件已超过保留期限并已删除，请回到人员台账重新导出")
    try:
        content = open(job.file_path, "rb")  # noqa: SIM115 - the response closes it
    except FileNotFoundError as exc:
        delete_export(job=job, by=None)
        raise ValidationError("文件已被删除，请回到人员台账重新导出") from exc
    detail = exporting.audit_detail(
        unmasked=job.unmasked, count=job.written_rows, filters=job.scope, purpose=job.purpose
    )
    audit.record(
        action=AuditEvent.Action.EXPORT, request=request, obj=job, detail=f"下载导出文件：{detail}"
    )
    return content


@transaction.atomic
def delete_export(*, job: ExportJob, by: Any) -> ExportJob:
    """Delete an export's file now (by its owner once downloaded, audited; or on
    expiry, ``by=None``); the row stays as a record. A running export cannot be,
    unless its worker has died."""
    if job.running and not job.stalled:
        raise ValidationError("正在生成中，请等待完成后再删除")
    if job.file_path:
        Path(job.file_path).unlink(missing_ok=True)
    job.status = ExportJob.Status.DELETED
    job.file_path = ""
    job.finished_at = job.finished_at or timezone.now()
    job.save(update_fields=["status", "file_path", "finished_at", "updated_at"])
    if by is not None:
        audit.record(action=AuditEvent.Action.DELETE, user=by, obj=job, detail="删除导出文件")
    return job


def expire_exports(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the files of exports past their retention period, and any file under the
    exports folder that no export refers to (left by a crash) once it is that old.
    Returns how many files were (or would be) deleted."""
    now = now or timezone.now()
    deleted = 0
    for job in ExportJob.objects.expired(now=now):
        deleted += int(Path(job.file_path).exists())
        if not dry_run:
            delete_export(job=job, by=None)
    referenced = set(ExportJob.objects.exclude(file_path="").values_list("file_path", flat=True))
    cutoff = (now - exporting.export_retention()).timestamp()
    for path in exporting.exports_dir().iterdir():
        if str(path) not in referenced and path.stat().st_mtime < cutoff:
            deleted += 1
            if not dry_run:
                path.unlink(missing_ok=True)
    return deleted
