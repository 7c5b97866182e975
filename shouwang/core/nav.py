"""The navigation by module.

Each app's AppConfig may declare ``nav = [NavItem(...), ...]``; entries appear in
INSTALLED_APPS order, each shown to users holding its capability (``None``: every
signed-in user).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str | None = None


@cache
def all_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = [NavItem("首页", "core:home")]
    for config in apps.get_app_configs():
        items.extend(getattr(config, "nav", ()))
    return tuple(items)


def nav_for(user: object) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [i for i in all_items() if i.capability is None or user.can(i.capability)]
