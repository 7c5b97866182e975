from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem


class WatchConfig(AppConfig):
    name = "shouwang.watch"
    label = "watch"
    verbose_name = "重点人员"
    nav: list[NavItem] = []
    capabilities: dict[str, set[str]] = {role: set() for role in Role.values}
