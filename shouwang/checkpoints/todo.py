"""The checkpoints app's lines of today's work on the home page (今日待办): each post
the user staffs, with the self-scans there still waiting for staff to confirm them."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import User
from shouwang.core.todo import TodoItem

from .models import CheckIn, Checkpoint, local_day_bounds

# A guard staffs a post or a few; one listed on more sees the MAX_POSTS with the most
# self-scans waiting, and the rest in one line leading to the console's list.
MAX_POSTS = 6


def _note(today: dict[str, int]) -> str:
    return f"今日进 {today.get('people_in', 0)} · 出 {today.get('people_out', 0)} 人"


def items(user: User) -> list[TodoItem]:
    if not user.can("checkpoints.console"):
        return []
    posts = list(Checkpoint.objects.visible_to(user).active().filter(staff=user).order_by("name"))
    if not posts:
        return []
    start, end = local_day_bounds(timezone.localdate())
    figures = CheckIn.objects.filter(checkpoint__in=posts).between(start, end).per_checkpoint()
    if len(posts) > MAX_POSTS:
        posts.sort(key=lambda post: -figures.get(post.pk, {}).get("declared", 0))
    shown, rest = posts[:MAX_POSTS], posts[MAX_POSTS:]
    result = [
        TodoItem(
            f"{post.name} 待确认",
            figures.get(post.pk, {}).get("declared", 0),
            reverse("checkpoints:console_post", args=[post.pk]),
            _note(figures.get(post.pk, {})),
        )
        for post in shown
    ]
    if rest:
        others = [figures.get(post.pk, {}) for post in rest]
        result.append(
            TodoItem(
                f"其余 {len(rest)} 个卡点 待确认",
                sum(f.get("declared", 0) for f in others),
                reverse("checkpoints:console"),
                _note(
                    {key: sum(f.get(key, 0) for f in others) for key in ("people_in", "people_out")}
                ),
            )
        )
    return result
