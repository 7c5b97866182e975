from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem


class SuppliesConfig(AppConfig):
    name = "shouwang.supplies"
    label = "supplies"
    verbose_name = "物资与捐赠"
    nav: list[NavItem] = []
    capabilities: dict[str, set[str]] = {role: set() for role in Role.values}
