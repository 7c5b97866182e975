from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem


class CheckpointsConfig(AppConfig):
    name = "shouwang.checkpoints"
    label = "checkpoints"
    verbose_name = "卡点与通行"
    nav: list[NavItem] = []
    capabilities: dict[str, set[str]] = {role: set() for role in Role.values}
