from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem


class ReportsConfig(AppConfig):
    name = "shouwang.reports"
    label = "reports"
    verbose_name = "日报与通报"
    nav: list[NavItem] = []
    capabilities: dict[str, set[str]] = {role: set() for role in Role.values}
