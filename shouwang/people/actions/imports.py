"""The ledger's Excel import: started, confirmed, cancelled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from shouwang.core import uploads

from .. import tasks
from ..models import ImportJob

IMPORT_PURPOSE = "people.import"


def start_import(*, request: HttpRequest, upload: UploadedFile, strict: bool, by: Any) -> ImportJob:
    """Store the upload (refused at once if oversized, empty or not an xlsx:
    SpreadsheetError), then check it in the background; the header too, because on a
    file without a <dimension> openpyxl reads the whole sheet before its first row."""
    token = uploads.stash(request, upload, purpose=IMPORT_PURPOSE)
    path = uploads.path_for(request, token, purpose=IMPORT_PURPOSE)
    with transaction.atomic():
        job = ImportJob.objects.create(
            area=by.area,
            created_by=by,
            filename=(upload.name or "")[:200],
            strict=strict,
            upload_path=str(path),
        )
        transaction.on_commit(lambda: tasks.check_import.enqueue(job.pk))
    return job


@transaction.atomic
def confirm_import(*, job: ImportJob, by: Any) -> ImportJob:
    """Commit a checked import (in the background); once only."""
    if not job.can_commit:
        if job.strict and job.problem_count:
            raise ValidationError("严格模式下文件存在问题，不能导入。请修改后重新上传")
        raise ValidationError("这份导入现在不能提交（可能已提交、已取消或没有有效行）")
    moved = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.COMMITTING, updated_at=timezone.now()
    )
    if not moved:
        raise ValidationError("这份导入已经提交过了")
    job.status = ImportJob.Status.COMMITTING
    transaction.on_commit(lambda: tasks.commit_import.enqueue(job.pk))
    return job


@transaction.atomic
def cancel_import(*, job: ImportJob, by: Any) -> ImportJob:
    """Drop a checked, failed or stalled import and its files; a running one cannot be."""
    if job.running and not job.stalled:
        raise ValidationError("正在处理中，请等待检查完成后再取消")
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.CANCELLED):
        return job
    for path in (job.upload_path, job.stage_path):
        if path:
            Path(path).unlink(missing_ok=True)
    job.status = ImportJob.Status.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])
    return job
