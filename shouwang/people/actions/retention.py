"""Retention: moved-out persons past the retention period are deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from shouwang.core import uploads

from ..models import ExportJob, ImportJob, Person
from .exports import expire_exports


def retention_days() -> int:
    """How long moved-out residents and finished imports are kept (default one year,
    ``SHOUWANG_PEOPLE_RETENTION_DAYS``)."""
    return settings.PEOPLE_RETENTION_DAYS


@dataclass
class PurgeResult:
    persons: int = 0
    kept_referenced: int = 0
    imports: int = 0
    files: int = 0
    exports: int = 0
    export_files: int = 0


def purge_personal_data(*, before: datetime, dry_run: bool = False) -> PurgeResult:
    """Delete residents moved out before ``before`` (with their history and tags),
    imports and exports older than it (with their problem lists and any leftover
    files), and the files of exports past their own, shorter retention. Residents
    still referenced elsewhere (e.g. a key-person record, which is PROTECTed) are kept
    and counted, never half-deleted."""
    result = PurgeResult()
    result.export_files = expire_exports(dry_run=dry_run)
    exports = ExportJob.objects.filter(created_at__lt=before).exclude(status__in=ExportJob.RUNNING)
    for path in exports.exclude(file_path="").values_list("file_path", flat=True):
        if Path(path).exists():
            result.export_files += 1
            if not dry_run:
                Path(path).unlink(missing_ok=True)
    result.exports = exports.count()
    if not dry_run:
        exports.delete()
    stale = Person.objects.filter(moved_out=True, moved_out_at__lt=before).order_by("pk")
    ids = list(stale.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        if dry_run:
            result.persons += len(batch)
            continue
        result.persons += _delete_persons(batch, result)
    jobs = ImportJob.objects.filter(created_at__lt=before).exclude(status__in=ImportJob.RUNNING)
    for job in jobs:
        for path in (job.upload_path, job.stage_path):
            if path and Path(path).exists():
                result.files += 1
                if not dry_run:
                    Path(path).unlink(missing_ok=True)
    result.imports = jobs.count()
    if not dry_run:
        jobs.delete()
    # Uploads of the imports still kept belong to them; any other is an abandoned preview.
    owned = set(ImportJob.objects.exclude(upload_path="").values_list("upload_path", flat=True))
    result.files += uploads.purge_stale(keep=owned, dry_run=dry_run)
    return result


def _delete_persons(ids: list[int], result: PurgeResult) -> int:
    """Delete persons ``ids``; those another table protects are skipped."""
    try:
        with transaction.atomic():
            Person.objects.filter(pk__in=ids).delete()
    except (ProtectedError, RestrictedError) as exc:
        blockers = getattr(exc, "protected_objects", None) or exc.restricted_objects
        keep = set()
        for blocker in blockers:
            for f in type(blocker)._meta.concrete_fields:
                if f.is_relation and f.related_model is Person:
                    keep.add(getattr(blocker, f.attname))
        if not keep & set(ids):  # cannot tell which: keep the whole batch
            result.kept_referenced += len(ids)
            return 0
        free = [pk for pk in ids if pk not in keep]
        result.kept_referenced += len(ids) - len(free)
        return _delete_persons(free, result) if free else 0
    return len(ids)
