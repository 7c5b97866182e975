"""Figures of an area below the stored levels (a compound, a building), for the pages
that read the roll-up's rows: the overview, the indicator trend, the dashboard.

The roll-up stores rows for communities and the levels above only, and a daily report
is a community's: below it there is no report, and the community's (its other
compounds' figures, its typed-in indicators) lies outside a user bound to a compound.
What can honestly be shown is the subtree's figures as the system counts them
(``rollup.subtree_figures``). The day in progress is computed at every view; a closed
day is kept in the cache for a while (the day just closed still takes late uploads,
older days hardly change).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from django.core.cache import cache

from shouwang.areas.models import Area

from . import days
from .models import DailyFigure, IndicatorDefinition
from .rollup import STORED_KINDS, subtree_figures_on

CLOSED_SECONDS = 5 * 60
OLDER_SECONDS = 60 * 60


def is_live(area: Area) -> bool:
    """Whether ``area``'s figures are computed when asked (no stored rows)."""
    return area.kind not in STORED_KINDS


def reporting_community(area: Area) -> Area | None:
    """The community whose daily report covers ``area`` (a compound, a building)."""
    return area.ancestor_of_kind(Area.Kind.COMMUNITY)


def _catalogue(definitions: Sequence[IndicatorDefinition]) -> str:
    codes = ",".join(sorted(d.code for d in definitions))
    return hashlib.sha256(codes.encode()).hexdigest()[:16]


def _key(area: Area, day: date, definitions: Sequence[IndicatorDefinition]) -> str:
    return f"reports:live:{area.pk}:{day.isoformat()}:{_catalogue(definitions)}"


def day_figures(
    area: Area,
    days_: Sequence[date],
    *,
    definitions: Sequence[IndicatorDefinition],
    children: Sequence[Area] = (),
) -> tuple[dict[date, DailyFigure], dict[int, DailyFigure]]:
    """``area``'s figures of each of ``days_`` (unsaved rows): computed now for the day
    in progress, through the cache for a closed day (``definitions``, the indicators
    offered, are part of the key: another set is another entry); the days not in the
    cache computed in one pass (``rollup.subtree_figures_on``: a fixed number of
    queries per day, the reads every day shares once). With ``children``, also
    returns theirs on the day in progress (the last of ``days_`` when it is not
    closed); else ``{}``."""
    closed = [day for day in days_ if days.is_closed(day)]
    keys = {day: _key(area, day, definitions) for day in closed}
    kept = cache.get_many(keys.values()) if keys else {}
    out: dict[date, DailyFigure] = {}
    for day in closed:
        if (entry := kept.get(keys[day])) is not None:
            values, auto, computed_at = entry
            out[day] = DailyFigure(
                area=area, day=day, values=values, auto=auto, computed_at=computed_at
            )
    missing = [day for day in days_ if day not in out]
    in_progress = days_[-1] if days_ and days_[-1] not in keys else None
    below: dict[int, DailyFigure] = {}
    if missing:
        computed = subtree_figures_on(area, missing, children=children, children_on=in_progress)
        last_closed = days.last_closed_day()
        for day, figures in computed.items():
            figure = figures[area.pk]
            out[day] = figure
            if day in keys:
                timeout = CLOSED_SECONDS if day >= last_closed else OLDER_SECONDS
                cache.set(keys[day], (figure.values, figure.auto, figure.computed_at), timeout)
        if in_progress is not None:
            below = {child.pk: computed[in_progress][child.pk] for child in children}
    return {day: out[day] for day in days_}, below
