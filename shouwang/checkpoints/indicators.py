"""Checkpoints' daily-report indicators, in the seeds' terms: checkpoints open, staff
on duty, people and vehicles checked, people and vehicles turned back, fevers found at
checkpoints; and check-ins by hour for the dashboard.

One scan of the day's check-ins serves them all: grouped by checkpoint and by the
staff member who recorded the passage, with only the aggregates these indicators
read (a person count per row, not one per direction), and, for the day in progress,
the running hourly counts. Inside a roll-up's ``shared_reads`` it runs once.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce

from shouwang.accounts.models import User
from shouwang.areas.models import Area
from shouwang.reports.days import Window
from shouwang.reports.indicators import (
    FLOW,
    STOCK,
    Indicator,
    by_community,
    by_community_grouped,
    common_root,
    hour_buckets,
    hours,
    remember,
)

from .models import FEVER_THRESHOLD, CheckIn, Checkpoint


def _aggregates(window: Window) -> dict[str, Count | Sum]:
    """What the indicators read of the check-ins, as in ``checkin_figures``: a row
    counts its occupants as people (a vehicle's, or a group turned back on foot);
    a passage is in or out, so the people checked are every row's people, turned
    back or not."""
    people = Coalesce("occupants", Value(1), output_field=IntegerField())
    back = Q(status=CheckIn.Status.TURNED_BACK)
    vehicle = Q(subject=CheckIn.Subject.VEHICLE)
    values = {
        "persons_checked": Sum(people),
        "persons_turned_back": Sum(people, filter=back),
        "vehicles_checked": Count("pk", filter=vehicle),
        "vehicles_turned_back": Count("pk", filter=vehicle & back),
        "checkpoint_fevers": Count("pk", filter=Q(temperature__gte=FEVER_THRESHOLD)),
    }
    if window.is_open:
        values.update(hour_buckets(window, "at"))
    return values


def _scan(
    window: Window, communities: Sequence[Area]
) -> tuple[dict[tuple[int | None, int | None], tuple[int, ...]], list[str]]:
    """``{(community id, recorder id): numbers}`` (community None: a checkpoint in no
    community, such as a sub-district's own) and the aggregates' names. Built once per
    roll-up (or report form) for all the indicators that read it: its query, with the
    24 hourly counts of a day in progress, costs more to compile than to run on a
    community's day."""

    def read() -> tuple[dict[tuple[int | None, int | None], tuple[int, ...]], list[str]]:
        values = _aggregates(window)
        rows = CheckIn.objects.between(window.start, window.end)
        grouped = by_community_grouped(
            rows,
            communities,
            values=values,
            area="area",
            keys=["recorded_by"],
            unplaced=True,
        )
        return grouped, list(values)

    return remember(("checkpoints.scan", window, window.is_open, id(communities)), read)


def _counted(window: Window, communities: Sequence[Area]) -> dict[str, dict[int, int]]:
    """Each aggregate per community (the recorders summed)."""
    grouped, names = _scan(window, communities)

    def read() -> dict[str, dict[int, int]]:
        sums: dict[int, tuple[int, ...]] = {}
        for (community, _), numbers in grouped.items():
            if community is None:
                continue
            total = sums.get(community)
            sums[community] = (
                numbers if total is None else tuple(map(sum, zip(total, numbers, strict=True)))
            )
        return {
            name: {community: int(numbers[i]) for community, numbers in sums.items()}
            for i, name in enumerate(names)
        }

    return remember(("checkpoints.counted", id(grouped)), read)


def _figure(name: str):
    def compute(window: Window, communities: Sequence[Area]) -> dict[int, int]:
        return _counted(window, communities)[name]

    return compute


def checkpoints_open(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    return by_community(Checkpoint.objects.open_during(window.start, window.end), communities)


def _recorders(window: Window, communities: Sequence[Area]) -> set[int]:
    """Staff who recorded a passage in the window, at any checkpoint: read off the
    check-in scan when it saw every checkpoint (the roll-up of all communities),
    else by a read of their own (a community's report form, a subtree's roll-up)."""
    grouped, _ = _scan(window, communities)
    root = common_root(communities)
    if not root or not Checkpoint.objects.exclude(area__path__startswith=root).exists():
        return {recorder for _, recorder in grouped if recorder is not None}
    rows = CheckIn.objects.between(window.start, window.end).exclude(recorded_by=None)
    return set(rows.order_by().values_list("recorded_by", flat=True).distinct())


def staff_on_duty(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    """Staff who recorded a passage in the window, credited to their own area (one
    read of the accounts: far fewer than passages)."""
    recorders = _recorders(window, communities)
    accounts = by_community_grouped(User.objects.all(), communities, values={}, keys=["pk"])
    out: dict[int, int] = {}
    for community, user in accounts:
        if user in recorders:
            out[community] = out.get(community, 0) + 1
    return out


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
        _figure("persons_checked"),
        hourly=checkins_by_hour,
        order=40,
    ),
    Indicator("vehicles_checked", "排查车辆", "台", FLOW, _figure("vehicles_checked"), order=41),
    Indicator(
        "persons_turned_back", "劝返人员", "人", FLOW, _figure("persons_turned_back"), order=42
    ),
    Indicator(
        "vehicles_turned_back", "劝返车辆", "台", FLOW, _figure("vehicles_turned_back"), order=43
    ),
    Indicator(
        "checkpoint_fevers",
        "卡点发现发热",
        "人",
        FLOW,
        _figure("checkpoint_fevers"),
        order=44,
        help="也计入“发现发热人员”（卡点发热同时产生发热预警）",
    ),
]
