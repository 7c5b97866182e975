"""The checkpoints app's lines of today's work on the home page (今日待办): each post
the user staffs, with the self-scans there still waiting for staff to confirm them."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import User
from shouwang.core.todo import TodoItem

from .models import CheckIn, Checkpoint, local_day_bounds

# A guard staffs a post or a few; a user listed on many gets the console's list instead.
MAX_POSTS = 6


def items(user: User) -> list[TodoItem]:
    if not user.can("checkpoints.console"):
        return []
    posts = list(
        Checkpoint.objects.visible_to(user)
        .active()
        .filter(staff=user)
        .order_by("name")[: MAX_POSTS + 1]
    )
    if not posts or len(posts) > MAX_POSTS:
        return []
    start, end = local_day_bounds(timezone.localdate())
    figures = CheckIn.objects.filter(checkpoint__in=posts).between(start, end).per_checkpoint()
    result = []
    for post in posts:
        today = figures.get(post.pk, {})
        result.append(
            TodoItem(
                f"{post.name} 待确认",
                today.get("declared", 0),
                reverse("checkpoints:console_post", args=[post.pk]),
                f"今日进 {today.get('people_in', 0)} · 出 {today.get('people_out', 0)} 人",
            )
        )
    return result
