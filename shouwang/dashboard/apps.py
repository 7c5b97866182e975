from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem


class DashboardConfig(AppConfig):
    name = "shouwang.dashboard"
    label = "dashboard"
    verbose_name = "指挥部总览"
    nav = [NavItem("总览", "dashboard:index", "dashboard.view")]
    capabilities = {
        Role.HQ_ADMIN: {"dashboard.view"},
        Role.LEADER: {"dashboard.view"},
        Role.COMMUNITY_STAFF: {"dashboard.view"},
    }
