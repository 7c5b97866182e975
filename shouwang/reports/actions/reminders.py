"""Reminders to the communities that have not reported."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core.text import day_label

from .. import days
from ..models import DailyReport, Reminder


@transaction.atomic
def send_reminders(*, now: datetime | None = None) -> int:
    """Leave a reminder for every community that has not reported the last closed
    day (from its first day on): "due" up to the deadline, "overdue" once a report
    would be late (``days.is_late``: the deadline instant itself is on time).
    Running it again adds nothing (one reminder per community, day and kind)."""
    now = now or timezone.now()
    day = days.last_closed_day(now)
    due = days.deadline(day)
    kind = Reminder.Kind.OVERDUE if days.is_late(day, now) else Reminder.Kind.DUE
    label = day_label(day)
    local_due = timezone.localtime(due, days.local_zone())
    # A deadline past midnight (a late cutoff, a long grace) is named with its date.
    same_day = local_due.date() == timezone.localtime(now, days.local_zone()).date()
    until = f"{local_due:%H:%M}" if same_day else f"{day_label(local_due.date())}{local_due:%H:%M}"
    message = (
        f"{label}日报尚未上报，请于{until}前提交（没有新情况可一键零报告）"
        if kind == Reminder.Kind.DUE
        else f"{label}日报已逾期未报，请尽快补报"
    )
    submitted = set(
        DailyReport.objects.for_day(day).submitted().values_list("community_id", flat=True)
    )
    reminded = set(
        Reminder.objects.filter(day=day, kind=kind).values_list("community_id", flat=True)
    )
    new = [
        Reminder(community_id=pk, day=day, kind=kind, message=message, created_at=now)
        for pk in Area.objects.communities()
        .filter(days.expected_on(day))
        .values_list("pk", flat=True)
        if pk not in submitted and pk not in reminded
    ]
    Reminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)
