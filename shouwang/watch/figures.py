"""Figures of the key-person module for reports, the dashboard and the counts page.

The daily report reads, per community and for a window [start, end) of aware
datetimes (its day may end at a cutoff such as 15:00):

    figures = window_figures(community, start=start, end=end)
    figures.in_observation, figures.new, figures.released, figures.fevers, figures.overdue

or ``figures_by_community(communities, start=..., end=...)`` for many at once. The
pieces are reusable QuerySet methods (``KeyPerson.objects.within(c).in_observation_at``,
``new_between``, ``released_between``; ``Alert.objects.within(c).fevers().between``)
and ``schedule.overdue_slots``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from shouwang.areas.models import SEGMENT, Area

from . import schedule
from .models import Alert, KeyPerson

# What slot arithmetic reads from a record (loading less makes big windows cheaper).
SCHEDULE_FIELDS = ("start_date", "planned_end", "created_at", "ended_at", "status", "area__path")


@dataclass(frozen=True)
class WindowFigures:
    in_observation: int  # under control at ``end`` (the cutoff)
    new: int  # registered in [start, end)
    released: int  # released in [start, end)
    fevers: int  # fever alerts raised in [start, end), from any source
    overdue: int  # follow-up slots whose deadline fell in [start, end) with none recorded


def window_figures(area: Area, *, start: datetime, end: datetime) -> WindowFigures:
    """The figures of one area's subtree (usually a community) for [start, end)."""
    return figures_by_community([area], start=start, end=end)[area.pk]


def _prefix_of(path: str, prefixes: dict[str, int]) -> int | None:
    for length in range(len(path), 0, -SEGMENT):
        found = prefixes.get(path[:length])
        if found is not None:
            return found
    return None


def figures_by_community(
    areas: Iterable[Area], *, start: datetime, end: datetime, now: datetime | None = None
) -> dict[int, WindowFigures]:
    """``window_figures`` for several areas with a fixed number of queries."""
    areas = list(areas)
    now = now or timezone.now()
    by_path = {a.path: a.pk for a in areas}
    counts: dict[int, Counter] = defaultdict(Counter)
    area_filter = Q()
    for a in areas:
        area_filter |= Q(area__path__startswith=a.path)
    if not areas:
        return {}
    records = KeyPerson.objects.filter(area_filter)
    for path, created_at, ended_at, status in records.filter(
        Q(created_at__lt=end) & (Q(ended_at__isnull=True) | Q(ended_at__gte=start))
    ).values_list("area__path", "created_at", "ended_at", "status"):
        pk = _prefix_of(path, by_path)
        if pk is None:
            continue
        if ended_at is None or ended_at > end:
            counts[pk]["in_observation"] += 1
        if start <= created_at < end:
            counts[pk]["new"] += 1
        if status == KeyPerson.Status.RELEASED and ended_at and start <= ended_at < end:
            counts[pk]["released"] += 1
    for path, n in (
        Alert.objects.filter(area_filter)
        .fevers()
        .between(start, end)
        .values_list("area__path")
        .annotate(n=Count("id"))
    ):
        pk = _prefix_of(path, by_path)
        if pk is not None:
            counts[pk]["fevers"] += n
    candidates = list(
        records.filter(created_at__lt=end)
        .filter(Q(status=KeyPerson.Status.ACTIVE) | Q(ended_at__gte=start))
        .select_related("area")
        .only(*SCHEDULE_FIELDS)
    )
    paths = {r.pk: r.area.path for r in candidates}
    for due in schedule.overdue_slots(candidates, now=now, since=start, until=end):
        pk = _prefix_of(paths[due.key_person_id], by_path)
        if pk is not None:
            counts[pk]["overdue"] += 1
    return {
        a.pk: WindowFigures(
            in_observation=counts[a.pk]["in_observation"],
            new=counts[a.pk]["new"],
            released=counts[a.pk]["released"],
            fevers=counts[a.pk]["fevers"],
            overdue=counts[a.pk]["overdue"],
        )
        for a in areas
    }
