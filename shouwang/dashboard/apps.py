from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem


class DashboardConfig(AppConfig):
    name = "shouwang.dashboard"
    label = "dashboard"
    verbose_name = "指挥部总览"
    nav: list[NavItem] = []
    capabilities: dict[str, set[str]] = {role: set() for role in Role.values}
