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
from .rollup import STORED_KINDS, subtree_figures

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


def day_figure(area: Area, day: date, *, definitions: Sequence[IndicatorDefinition]) -> DailyFigure:
    """``area``'s figures of ``day``: computed now for the day in progress, through
    the cache for a closed day (``definitions``, the indicators offered, are part of
    the key: another set is another entry). An unsaved row."""
    if not days.is_closed(day):
        return subtree_figures(area, day)[area.pk]
    key = f"reports:live:{area.pk}:{day.isoformat()}:{_catalogue(definitions)}"
    kept = cache.get(key)
    if kept is None:
        figure = subtree_figures(area, day)[area.pk]
        kept = (figure.values, figure.auto, figure.computed_at)
        just_closed = day >= days.last_closed_day()
        cache.set(key, kept, CLOSED_SECONDS if just_closed else OLDER_SECONDS)
    values, auto, computed_at = kept
    return DailyFigure(area=area, day=day, values=values, auto=auto, computed_at=computed_at)
