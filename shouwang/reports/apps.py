from datetime import timedelta
from typing import Any

from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem
from shouwang.core.schedule import ScheduledJob

# Area kinds whose figures are sums of their communities' (Area.Kind values).
UPPER_KINDS = ("district", "subdistrict")


class ReportsConfig(AppConfig):
    name = "shouwang.reports"
    label = "reports"
    verbose_name = "日报与通报"
    scheduled_jobs = [
        ScheduledJob("report_rollup", timedelta(minutes=5), "日报数字汇总"),
        ScheduledJob("report_reminders", timedelta(minutes=15), "日报催报提醒"),
    ]
    nav = [
        NavItem("日报", "reports:index", "reports.submit"),
        NavItem("日报汇总", "reports:overview", "reports.overview"),
        NavItem("通报", "reports:bulletin", "reports.bulletin"),
    ]
    # Community staff submit their community's report; HQ reads every report under it,
    # edits indicators and the bulletin template; leaders read.
    capabilities = {
        Role.HQ_ADMIN: {
            "reports.view",
            "reports.overview",
            "reports.export",
            "reports.bulletin",
            "reports.manage",
        },
        Role.COMMUNITY_STAFF: {"reports.view", "reports.submit"},
        Role.LEADER: {"reports.view", "reports.overview", "reports.export", "reports.bulletin"},
    }

    def area_moved(self, *, area: Any, left: list[Any], joined: list[Any]) -> None:
        """A community or sub-district moved: the stored totals of the sub-districts
        and districts it left and joined are summed again from their communities."""
        from .rollup import resum_uppers

        uppers = [a for a in (*left, *joined) if a.kind in UPPER_KINDS]
        if area.kind in ("community", *UPPER_KINDS) and uppers:
            resum_uppers({a.pk: a for a in uppers}.values())
