"""Background tasks of the ledger's import and large exports (django-tasks;
``db_worker`` runs them)."""

from __future__ import annotations

from django_tasks import task

from . import exporting, importing
from .models import ExportJob, ImportJob


def _job(job_id: int) -> ImportJob:
    return ImportJob.objects.select_related("area", "created_by").get(pk=job_id)


@task()
def check_import(job_id: int) -> None:
    importing.check(_job(job_id))


@task()
def commit_import(job_id: int) -> None:
    importing.commit(_job(job_id))


@task()
def run_export(job_id: int) -> None:
    exporting.run(ExportJob.objects.select_related("created_by__area").get(pk=job_id))
