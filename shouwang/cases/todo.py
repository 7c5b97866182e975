"""The cases app's line of today's work on the home page (今日待办)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.roles import Role
from shouwang.core.todo import TodoItem

from .key_areas import active_key_areas, visit_list
from .models import HouseholdVisit


def items(user) -> list[TodoItem]:
    if not user.can("cases.visit"):
        return []
    today = timezone.localdate()
    key_areas = active_key_areas(today).visible_to(user)
    households = visit_list(user, key_areas, own_grids=user.role == Role.GRID_WORKER)
    today_visits = HouseholdVisit.objects.on(today).filter(household=OuterRef("pk"))
    counts = households.aggregate(
        due=Count("pk"),
        visited=Count("pk", filter=Q(Exists(today_visits.reached()))),
        unreached=Count("pk", filter=Q(Exists(today_visits.unreached()))),
    )
    if not counts["due"]:
        return []
    note = f"已随访 {counts['visited']}/{counts['due']}"
    if counts["unreached"]:
        note += f"，未联系上 {counts['unreached']}"
    # A household not reached yet is still to visit today.
    return [
        TodoItem(
            "重点区域待随访（户）", counts["due"] - counts["visited"], reverse("cases:visits"), note
        )
    ]
