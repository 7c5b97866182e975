from datetime import timedelta
from typing import Any

from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem
from shouwang.core.schedule import ScheduledJob

VIEW = {"watch.view", "watch.alerts"}
WORK = {"watch.followup", "watch.handle_alert"}


class WatchConfig(AppConfig):
    name = "shouwang.watch"
    label = "watch"
    verbose_name = "重点人员"
    scheduled_jobs = [ScheduledJob("watch_overdue", timedelta(minutes=15), "逾期随访预警")]
    nav = [
        NavItem("重点人员", "watch:index", "watch.view"),
        NavItem("今日随访", "watch:today", "watch.followup"),
        NavItem("预警", "watch:alerts", "watch.alerts"),
    ]
    capabilities = {
        Role.HQ_ADMIN: VIEW
        | WORK
        | {"watch.manage", "watch.export", "watch.settings", "watch.categories"},
        Role.COMMUNITY_STAFF: VIEW | WORK | {"watch.manage", "watch.export", "watch.settings"},
        Role.GRID_WORKER: VIEW | WORK,
        Role.LEADER: VIEW | {"watch.export"},
    }

    def hand_over_after_move(self, *, area: Any, by: Any) -> list[str]:
        """Called by ``areas.actions.move_area``: open records below the moved node leave
        workers who can no longer see them."""
        from .actions import hand_over_after_move

        return hand_over_after_move(area=area, by=by)
