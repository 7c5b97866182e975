from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem

VIEW = {"supplies.view"}
DONATIONS_VIEW = {"supplies.donations"}


class SuppliesConfig(AppConfig):
    name = "shouwang.supplies"
    label = "supplies"
    verbose_name = "物资与捐赠"
    nav = [
        NavItem("物资", "supplies:overview", "supplies.view"),
        NavItem("捐赠", "supplies:donations", "supplies.donations"),
    ]
    # HQ manages everything; community staff see and issue from their own stores
    # (and count them); leaders and auditors read.
    capabilities = {
        Role.HQ_ADMIN: {
            "supplies.view",
            "supplies.issue",
            "supplies.manage",
            "supplies.donations",
            "supplies.donations_manage",
        },
        Role.COMMUNITY_STAFF: {"supplies.view", "supplies.issue"},
        Role.GRID_WORKER: set(),
        Role.CHECKPOINT_STAFF: set(),
        Role.LEADER: VIEW | DONATIONS_VIEW,
        Role.AUDITOR: VIEW | DONATIONS_VIEW,
    }
