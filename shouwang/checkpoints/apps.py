from datetime import timedelta
from typing import Any

from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.cases.presence import PresenceSource
from shouwang.core.nav import NavItem
from shouwang.core.schedule import ScheduledJob


class CheckpointsConfig(AppConfig):
    name = "shouwang.checkpoints"
    label = "checkpoints"
    verbose_name = "卡点与通行"
    scheduled_jobs = [
        ScheduledJob("checkin_partitions", timedelta(hours=1), "通行记录日分区维护"),
        ScheduledJob("purge_checkins", timedelta(hours=1), "过期通行记录清理"),
    ]
    nav = [
        NavItem("卡点", "checkpoints:list", "checkpoints.view"),
        NavItem("值守台", "checkpoints:console", "checkpoints.console"),
        NavItem("通行统计", "checkpoints:counts", "checkpoints.counts"),
        NavItem("出入证", "checkpoints:passes", "checkpoints.passes"),
    ]
    capabilities = {
        Role.HQ_ADMIN: {
            "checkpoints.view",
            "checkpoints.manage",
            "checkpoints.console",
            "checkpoints.counts",
            "checkpoints.export",
            "checkpoints.passes",
        },
        Role.COMMUNITY_STAFF: {
            "checkpoints.view",
            "checkpoints.manage",
            "checkpoints.console",
            "checkpoints.counts",
            "checkpoints.export",
            "checkpoints.passes",
        },
        Role.GRID_WORKER: {"checkpoints.view", "checkpoints.counts"},
        Role.CHECKPOINT_STAFF: {"checkpoints.console"},
        Role.LEADER: {"checkpoints.view", "checkpoints.counts", "checkpoints.export"},
    }
    # Presence tracing (cases) reads who passed which checkpoint when from the check-ins.
    presence_source = PresenceSource(
        table="checkpoints_checkin", ts="at", checkpoint_model="checkpoints.Checkpoint"
    )

    def ready(self) -> None:
        from django.core import checks

        from .checks import check_public_url

        checks.register(check_public_url)

    def hand_over_after_move(self, *, area: Any, by: Any) -> list[str]:
        """Called by ``areas.actions.move_area``: staff leave the rosters of checkpoints
        they can no longer see."""
        from .actions import hand_over_after_move

        return hand_over_after_move(area=area, by=by)
