"""The supplies app's line of today's work on the home page (今日待办): stocks about
to run out where the user issues supplies."""

from __future__ import annotations

from django.urls import reverse

from shouwang.core.todo import TodoItem

from . import figures


def items(user) -> list[TodoItem]:
    if not user.can("supplies.issue") or user.area is None:
        return []
    low = figures.low_stock(user.area)
    return [
        TodoItem(
            "库存预警（存放点×物资）", len(low), reverse("supplies:low_stock"), urgent=bool(low)
        )
    ]
