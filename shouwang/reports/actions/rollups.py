"""重新汇总 asked from an overview."""

from __future__ import annotations

from datetime import date

from shouwang.areas.models import SEGMENT, Area

from .. import days, live
from ..rollup import Result, rollup
from .figures import ReportError


class NotRolledUp(ReportError):
    """重新汇总 asked of an area the roll-up keeps no rows for (a compound, a building)."""


def rollup_area(*, area: Area, day: date) -> Result:
    """重新汇总 asked from ``area``'s overview: the day rolled up for the whole
    top-level area ``area`` lies in. Refused for a compound or a building (the roll-up
    stores rows for communities and above only: its community is where to ask), and
    when no community under ``area`` reports ``day`` — a day before they were created:
    rows of 0 communities would read 应报社区0个 — and nothing is written."""
    if live.is_live(area):
        community = live.reporting_community(area)
        where = (
            f"请在{community.name}的日报汇总页重新汇总"
            if community
            else "请在社区的日报汇总页重新汇总"
        )
        raise NotRolledUp(f"{area.name}不单独汇总：日报按社区及以上逐级汇总，{where}")
    communities = Area.objects.communities().within(area)
    if not communities.filter(days.expected_on(day)).exists():
        oldest = communities.order_by("created_at").first()
        if oldest is None:
            raise ReportError(f"{area.name}尚无社区，没有可汇总的日报")
        first = days.first_day(oldest)
        raise ReportError(
            f"{area.name}{day.year}年{day.month}月{day.day}日没有应报日报的社区"
            f"（最早的社区从{first.year}年{first.month}月{first.day}日起上报），没有可汇总的日报"
        )
    return rollup(day, root=Area.objects.get(path=area.path[:SEGMENT]))
