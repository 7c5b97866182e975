"""The reports app's line of today's work on the home page (今日待办): the communities
whose report of the day now due is not in yet (those that report that day: not one
created since)."""

from __future__ import annotations

from django.urls import reverse

from shouwang.areas.models import Area
from shouwang.core.text import day_label, moment_label
from shouwang.core.todo import TodoItem

from . import days
from .models import DailyReport


def items(user) -> list[TodoItem]:
    if user.can("reports.submit"):
        url = reverse("reports:index")
    elif user.can("reports.overview"):
        url = reverse("reports:overview")
    else:
        return []
    day = days.last_closed_day()
    # The communities that report the day (a community created since reports from
    # its first day on).
    communities = Area.objects.visible_to(user).communities().filter(days.expected_on(day)).count()
    if not communities:
        return []
    submitted = DailyReport.objects.visible_to(user).expected_on(day).submitted().count()
    missing = communities - submitted
    deadline = days.deadline(day)
    late = days.is_late(day)
    note = "已过截止时间" if late else f"截止 {moment_label(deadline)}"
    return [
        TodoItem(
            f"{day_label(day)}日报未上报（社区）",
            missing,
            url,
            f"已上报 {submitted}/{communities}" + (f"，{note}" if missing else ""),
            urgent=missing > 0 and late,
        )
    ]
