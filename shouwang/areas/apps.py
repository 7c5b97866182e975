from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem


class AreasConfig(AppConfig):
    name = "shouwang.areas"
    label = "areas"
    verbose_name = "辖区与网格"
    nav = [
        NavItem("辖区", "areas:tree", "areas.view"),
        NavItem("网格", "areas:grids", "areas.view"),
    ]
    capabilities = {
        Role.HQ_ADMIN: {"areas.view", "areas.manage", "areas.manage_grids"},
        Role.COMMUNITY_STAFF: {"areas.view", "areas.manage_grids"},
        Role.GRID_WORKER: {"areas.view"},
        Role.LEADER: {"areas.view"},
        Role.AUDITOR: {"areas.view"},
    }
