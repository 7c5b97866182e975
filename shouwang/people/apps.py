from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem


class PeopleConfig(AppConfig):
    name = "shouwang.people"
    label = "people"
    verbose_name = "人员台账"
    nav: list[NavItem] = []
    capabilities: dict[str, set[str]] = {role: set() for role in Role.values}
