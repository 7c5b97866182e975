from datetime import timedelta

from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem
from shouwang.core.schedule import ScheduledJob


class PeopleConfig(AppConfig):
    name = "shouwang.people"
    label = "people"
    verbose_name = "人员台账"
    scheduled_jobs = [ScheduledJob("purge_personal_data", timedelta(hours=1), "过期个人信息清理")]
    nav = [
        NavItem("人员台账", "people:index", "people.view"),
        NavItem("户不漏人", "people:coverage", "people.view"),
        NavItem("台账导入", "people:import", "people.import"),
        NavItem("人员标签", "people:tags", "people.manage_tags"),
    ]
    capabilities = {
        Role.HQ_ADMIN: {
            "people.view",
            "people.edit",
            "people.reveal",
            "people.export_unmasked",
            "people.import",
            "people.manage_tags",
        },
        Role.COMMUNITY_STAFF: {"people.view", "people.edit", "people.reveal", "people.import"},
        Role.GRID_WORKER: {"people.view", "people.edit"},
        Role.LEADER: {"people.view"},
    }

    def rotate_pii_files(self, *, dry_run: bool) -> str:
        """Personal data kept outside the ``*_enc`` fields, for ``shouwang rotate_pii_key``:
        the staged rows of imports awaiting confirmation."""
        from .importing import rotate_staged

        return f"待确认导入的暂存行: {rotate_staged(dry_run=dry_run)} 行"
