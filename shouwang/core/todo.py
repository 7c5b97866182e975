"""Today's work on the home page (今日待办): what is left to do now, counted.

Each app's AppConfig may define ``todo(self, user) -> list[TodoItem]``; the items
appear in INSTALLED_APPS order. An app returns items only for the capabilities the user
holds, and counts only what the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class TodoItem:
    label: str
    count: int
    url: str
    # What the count is out of, or when it is due ("已完成 3/8", "截止 11月23日15时").
    note: str = ""
    # A count above zero that is late or needs someone now: shown in red.
    urgent: bool = False


def todo_for(user: object) -> list[TodoItem]:
    items: list[TodoItem] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "todo", None)
        if provider is not None:
            items.extend(provider(user))
    return items
