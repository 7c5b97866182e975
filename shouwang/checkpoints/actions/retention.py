"""Retention: check-ins past the window are deleted in batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from .. import partitions
from ..models import CheckIn, Visit

MIN_RETENTION_DAYS = 14  # an incubation period: tracing must still reach that far back
PURGE_BATCH = 5000


@dataclass
class Purged:
    checkins: int = 0
    visits: int = 0


def purge_checkins(*, before: datetime, dry_run: bool = False) -> Purged:
    """Delete the passages recorded before ``before`` and their visitor details.
    Counts the days' figures keep: the daily reports read the roll-up
    (``reports.DailyFigure``), not these rows.

    On PostgreSQL the days that end by ``before`` are dropped whole (their partitions);
    what is left — the part of the boundary day before ``before``, rows in the DEFAULT
    partition — and everything on SQLite is deleted in batches of ``PURGE_BATCH`` (each
    its own transaction, so check-ins at the posts never wait long behind it). The
    oldest rows come first in the table's physical order, so each batch is found
    without reading the rest."""
    old = CheckIn.objects.filter(at__lt=before).order_by()
    if dry_run:
        return Purged(checkins=old.count(), visits=Visit.objects.filter(checkin__in=old).count())
    dropped = partitions.drop_days_before(before)
    purged = Purged(checkins=dropped.checkins, visits=dropped.visits)
    qn = connection.ops.quote_name
    visits, checkins = qn(Visit._meta.db_table), qn(CheckIn._meta.db_table)
    while ids := list(old.values_list("pk", flat=True)[:PURGE_BATCH]):
        marks = ", ".join(["%s"] * len(ids))
        # Plain DELETEs: the ORM's delete() would load every row to cascade to Visit.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {visits} WHERE checkin_id IN ({marks})", ids)  # noqa: S608
            purged.visits += cursor.rowcount
            cursor.execute(f"DELETE FROM {checkins} WHERE id IN ({marks})", ids)  # noqa: S608
            purged.checkins += cursor.rowcount
    return purged
