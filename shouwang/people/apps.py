from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem


class PeopleConfig(AppConfig):
    name = "shouwang.people"
    label = "people"
    verbose_name = "人员台账"
    nav: list[NavItem] = []
    capabilities = {
        Role.HQ_ADMIN: {"people.view", "people.edit", "people.reveal", "people.export_unmasked"},
        Role.COMMUNITY_STAFF: {"people.view", "people.edit", "people.reveal"},
        Role.GRID_WORKER: {"people.view", "people.edit"},
        Role.LEADER: {"people.view"},
    }
