"""Checkpoints' daily-report indicators, in the seeds' terms: checkpoints open, staff
on duty, people and vehicles checked, people and vehicles turned back, fevers found at
checkpoints; and check-ins by hour for the dashboard. One scan of the day's check-ins
serves them all (``by_community_many`` inside a roll-up's ``shared_reads``)."""

from __future__ import annotations

from collections.abc import Sequence

from shouwang.accounts.models import User
from shouwang.areas.models import Area
from shouwang.reports.days import Window
from shouwang.reports.indicators import (
    FLOW,
    STOCK,
    Indicator,
    by_community,
    by_community_many,
    hour_buckets,
    hours,
)

from .models import CheckIn, Checkpoint, checkin_figures


def _counted(window: Window, communities: Sequence[Area]) -> dict[str, dict[int, int]]:
    values = dict(checkin_figures())
    if window.is_open:
        values.update(hour_buckets(window, "at"))
    rows = CheckIn.objects.between(window.start, window.end)
    return by_community_many(rows, communities, values=values, area="checkpoint__area")


def _figure(*names: str):
    def compute(window: Window, communities: Sequence[Area]) -> dict[int, int]:
        counted = _counted(window, communities)
        out: dict[int, int] = {}
        for name in names:
            for community, value in counted[name].items():
                out[community] = out.get(community, 0) + value
        return out

    return compute


def checkpoints_open(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    return by_community(Checkpoint.objects.open_during(window.start, window.end), communities)


def staff_on_duty(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    """Staff who recorded a passage in the window, credited to their own area."""
    recorders = CheckIn.objects.between(window.start, window.end).values("recorded_by")
    return by_community(User.objects.filter(pk__in=recorders), communities)


def checkins_by_hour(window: Window, communities: Sequence[Area]) -> dict[int, list[int]]:
    return hours(_counted(window, communities))


INDICATORS = [
    Indicator("checkpoints_open", "开放卡点", "个", STOCK, checkpoints_open, order=30),
    Indicator("staff_on_duty", "值守人员", "名", STOCK, staff_on_duty, order=31),
    Indicator(
        "persons_checked",
        "排查人员",
        "人",
        FLOW,
        _figure("people_in", "people_out", "people_turned_back"),
        hourly=checkins_by_hour,
        order=40,
    ),
    Indicator("vehicles_checked", "排查车辆", "台", FLOW, _figure("vehicles_checked"), order=41),
    Indicator(
        "persons_turned_back", "劝返人员", "人", FLOW, _figure("people_turned_back"), order=42
    ),
    Indicator(
        "vehicles_turned_back", "劝返车辆", "台", FLOW, _figure("vehicles_turned_back"), order=43
    ),
    Indicator(
        "checkpoint_fevers",
        "卡点发现发热",
        "人",
        FLOW,
        _figure("fevers"),
        order=44,
        help="也计入“发现发热人员”（卡点发热同时产生发热预警）",
    ),
]
