"""Today's work on the home page (今日待办): what is left to do now, counted.

Each app may have a module ``todo.py`` with ``items(user) -> list[TodoItem]``; the
items appear in INSTALLED_APPS order. An app returns items only for the capabilities
the user holds, and counts only what the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from shouwang.core.modules import app_modules


@dataclass(frozen=True)
class TodoItem:
    label: str
    count: int
    url: str
    # What the count is out of, or when it is due ("已完成 3/8", "截止 11月23日15时").
    note: str = ""
    # A count above zero that is late or needs someone now: shown in red.
    urgent: bool = False


@cache
def _providers() -> tuple[Callable[[object], list[TodoItem]], ...]:
    # core.todo holds the mechanism only: it has no ``items``.
    return tuple(
        module.items for _config, module in app_modules("todo") if hasattr(module, "items")
    )


def todo_for(user: object) -> list[TodoItem]:
    return [item for items in _providers() for item in items(user)]
