"""The watch app's lines of today's work on the home page (今日待办)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from shouwang.core.todo import TodoItem

from . import figures, schedule
from .models import Alert, ContactAttempt, FollowUp, KeyPerson

if TYPE_CHECKING:
    from shouwang.accounts.models import User


def items(user: User) -> list[TodoItem]:
    result = []
    if user.can("watch.followup"):
        records = KeyPerson.objects.on_followup_sheet(user)
        total = figures.followup_sheet(records, FollowUp.objects.visible_to(user)).total
        if total.due:
            url = reverse("watch:today")
            result.append(
                TodoItem(
                    "今日待随访（次）",
                    total.due - total.done,
                    url,
                    f"已完成 {total.done}/{total.due}",
                )
            )
            if total.overdue:
                result.append(TodoItem("随访已逾期（次）", total.overdue, url, urgent=True))
    if user.can("watch.manage"):
        # 疑似失联: staff find them or set 失联; listed only when there are some.
        lost = schedule.suspected_lost(
            KeyPerson.objects.visible_to(user).active().schedule_rows(),
            attempts=ContactAttempt.objects.visible_to(user),
            followups=FollowUp.objects.visible_to(user),
        )
        if lost:
            result.append(TodoItem("疑似失联（人）", len(lost), reverse("watch:lost"), urgent=True))
    if user.can("watch.handle_alert"):
        open_alerts = Alert.objects.visible_to(user).open().count()
        result.append(
            TodoItem("待处置预警", open_alerts, reverse("watch:alerts"), urgent=open_alerts > 0)
        )
    return result
