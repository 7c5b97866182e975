"""Figures of the key-person module for reports, the dashboard and the counts page.

The daily report reads, per community and for a window [start, end) of aware
datetimes (its day may end at a cutoff such as 15:00):

    figures = window_figures(community, start=start, end=end)
    figures.in_observation, figures.new, figures.released, figures.fevers, figures.overdue

or ``figures_by_community(communities, start=..., end=...)`` for many at once. The
pieces are reusable QuerySet methods (``KeyPerson.objects.within(c).in_observation_at``,
``new_between``, ``released_between``, grouped per area by ``counts_by_area``;
``Alert.objects.within(c).fevers().between``) and ``schedule.overdue_slots``. A fixed
number of queries whatever the number of areas and records; the counts are grouped in
the database, and only overdue slots are worked out in Python, from ``ScheduleRow``
tuples rather than model instances.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from shouwang.areas.models import SEGMENT, Area
from shouwang.core.access import subtree_range

from . import schedule
from .models import (
    Alert,
    FollowUp,
    FollowUpQuerySet,
    KeyPerson,
    KeyPersonQuerySet,
    ScheduleRow,
)


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


def _within_any(areas: Iterable[Area], scope: str) -> Q:
    """Rows in any of the areas' subtrees (path ranges, as ``ScopedQuerySet.within``)."""
    condition = Q()
    for a in areas:
        condition |= Q(**{f"{scope}__path__range": subtree_range(a.path)})
    return condition


def figures_by_community(
    areas: Iterable[Area], *, start: datetime, end: datetime, now: datetime | None = None
) -> dict[int, WindowFigures]:
    """``window_figures`` for several areas with a fixed number of queries."""
    areas = list(areas)
    if not areas:
        return {}
    now = now or timezone.now()
    records = KeyPerson.objects.filter(_within_any(areas, "area"))
    candidates = records.may_owe_slots(start, end).schedule_rows()
    filled = schedule.filled_slots(
        FollowUp.objects.filter(_within_any(areas, "key_person__area")),
        first=schedule.first_day_due_from(start),
        last=schedule.local_day(min(end, now)),
    )
    missed = schedule.overdue_slots(candidates, now=now, since=start, until=end, filled=filled)
    return _figures(areas, records, start=start, end=end, candidates=candidates, missed=missed)


def _figures(
    areas: list[Area],
    records: KeyPersonQuerySet,
    *,
    start: datetime,
    end: datetime,
    candidates: Iterable[ScheduleRow],
    missed: Iterable[schedule.DueSlot],
) -> dict[int, WindowFigures]:
    """The figures of ``areas`` from ``records`` (theirs), given the window's overdue
    slots ``missed`` of the ``candidates``: records that may owe slots in it."""
    by_path = {a.path: a.pk for a in areas}
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in records.counts_by_area(start, end):
        pk = _prefix_of(row["area__path"], by_path)
        if pk is not None:
            for name in ("in_observation", "new", "released"):
                counts[pk][name] += row[name]
    for path, n in (
        Alert.objects.filter(_within_any(areas, "area"))
        .fevers()
        .between(start, end)
        .values_list("area__path")
        .annotate(n=Count("id"))
    ):
        pk = _prefix_of(path, by_path)
        if pk is not None:
            counts[pk]["fevers"] += n
    paths = {r.pk: r.area_path for r in candidates}
    for due in missed:
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


@dataclass
class Today:
    """Today in one area's subtree as the counts page shows it, from one read of the
    records and of today's follow-ups: the window figures of the day, and the records
    under control with their slots' states and missed slots."""

    now: datetime
    figures: WindowFigures
    active: list[ScheduleRow]  # records under control (default order)
    # ``active`` and the records ended today that owed slots before they ended: what
    # the day's due, done and overdue count (a slot missed at 12:00 stays missed when
    # the person is released at 13:00), as ``figures.overdue`` does.
    owing: list[ScheduleRow]
    sheet: dict[int, list[schedule.SlotState]]  # today's slot states of ``owing``
    missed: list[schedule.DueSlot]  # slots of ``owing`` missed today, latest first
    # Yesterday's slots to 24:00 of ``owing``, due at the midnight starting today
    # (``schedule.carried_over``).
    carried: dict[int, schedule.Progress]

    def progress(self) -> dict[int, schedule.Progress]:
        """Per record of ``owing``, the day's due, done and overdue slots: today's
        slots from ``sheet`` and yesterday's slot to 24:00 (due at the midnight
        starting today) — overdue adds up to ``figures.overdue``, as 今日随访's header
        counts them."""
        return {
            row.pk: day_progress(self.sheet[row.pk], self.carried.get(row.pk)) for row in self.owing
        }


def day_progress(
    states: list[schedule.SlotState], carried: schedule.Progress | None
) -> schedule.Progress:
    """A record's due, done and overdue slots of the day: today's ``states`` and the
    slot to 24:00 ``carried`` over from yesterday (``schedule.carried_over``)."""
    result = schedule.progress(states)
    if carried is not None:
        result.add(carried)
    return result


def today(area: Area, *, now: datetime | None = None) -> Today:
    """``window_figures`` of today for ``area`` and today's sheet of its records under
    control, sharing their reads (a fixed number of queries)."""
    now = now or timezone.now()
    day = schedule.local_day(now)
    start, end = schedule.day_window(day)
    records = KeyPerson.objects.within(area)
    active = records.active().schedule_rows()
    # With those under control, these are all the records that may owe a slot today
    # (one registered after ``end`` cannot owe a slot due before it).
    ended = records.may_owe_slots(start, end).exclude(status=KeyPerson.Status.ACTIVE)
    candidates = active + ended.schedule_rows()
    policies = schedule.Policies()
    # From yesterday: its slot to 24:00 is due at the midnight starting today.
    filled = schedule.filled_slots(
        FollowUp.objects.within(area), first=schedule.first_day_due_from(start), last=day
    )
    missed = schedule.overdue_slots(
        candidates, now=now, since=start, until=end, policies=policies, filled=filled
    )
    return Today(
        now=now,
        figures=_figures(
            [area], records, start=start, end=end, candidates=candidates, missed=missed
        )[area.pk],
        active=active,
        owing=candidates,
        sheet=schedule.today_sheet(candidates, now=now, policies=policies, filled=filled),
        # Their deadlines lie in [start, now] (``now`` is before ``end``).
        missed=missed,
        carried=schedule.carried_over(candidates, day=day, filled=filled, policies=policies),
    )


@dataclass
class FollowUpSheet:
    """Today's follow-up sheet (今日随访) of a set of records, from light rows: each
    record's slot states, the totals, and the rows ordered with who still needs a
    follow-up first. Pages load full records only for the cards they show."""

    now: datetime
    day: date
    policies: schedule.Policies
    rows: list[ScheduleRow]
    states: dict[int, list[schedule.SlotState]]
    # Per record, yesterday's slots to 24:00 (``schedule.carried_over``): due at the
    # midnight starting today, counted with today's as the counts page and
    # ``figures.overdue`` count them.
    carried: dict[int, schedule.Progress]
    # Today's slots and those carried over, of every record: the page's header.
    total: schedule.Progress
    # Per record, the missed slots offered to 补录 (``to_backfill``: yesterday's, and
    # today's before the end of a record in ``ended``), of ``rows`` and of ``ended``.
    backfill: dict[int, list[schedule.DueSlot]]
    # Records no longer under control that owe yesterday's slots or today's missed
    # before they ended (released at 13:00 after the 12:00 slot, …): offered their
    # 补录 only, outside the counts.
    ended: list[ScheduleRow]


def followup_sheet(
    records: KeyPersonQuerySet,
    followups: FollowUpQuerySet,
    *,
    ended: KeyPersonQuerySet | None = None,
    now: datetime | None = None,
) -> FollowUpSheet:
    """The sheet of ``records`` (active, already scoped) given the ``followups`` the
    reader may see; ``ended``: the records ended since yesterday (scoped alike) whose
    missed slots of yesterday, and of today before they ended, may still be 补录."""
    now = now or timezone.now()
    rows = records.order_by("area__path", "pk").schedule_rows()
    policies = schedule.Policies()
    day = schedule.local_day(now)
    filled = schedule.filled_slots(followups, first=day - timedelta(days=1), last=day)
    states = schedule.today_sheet(rows, now=now, policies=policies, filled=filled)
    backfill = to_backfill(rows, now=now, policies=policies, filled=filled)
    ended_rows = [] if ended is None else ended.order_by("area__path", "pk").schedule_rows()
    owed = to_backfill(ended_rows, now=now, policies=policies, filled=filled)
    backfill.update(owed)
    carried = schedule.carried_over(rows, day=day, filled=filled, policies=policies)
    total = schedule.Progress()
    for row in rows:
        total.add(day_progress(states[row.pk], carried.get(row.pk)))
    rows.sort(key=lambda r: not (r.pk in backfill or any(s.can_record for s in states[r.pk])))
    ended_rows = [r for r in ended_rows if r.pk in owed]
    return FollowUpSheet(now, day, policies, rows, states, carried, total, backfill, ended_rows)


def to_backfill(
    records: Iterable[schedule.Scheduled],
    *,
    now: datetime,
    policies: schedule.Policies | None = None,
    filled: Collection[tuple[int, date, int]] | None = None,
) -> dict[int, list[schedule.DueSlot]]:
    """Per record, the due slots with no follow-up that 今日随访 offers to 补录,
    earliest first: the previous local day's (the late-upload rule takes them until
    the end of today) and, of a record no longer under control, today's missed before
    it ended (released at 13:00 after the 12:00 slot: no card offers that slot's tap
    any more). ``filled`` covers yesterday and today when given."""
    records = list(records)
    today = schedule.local_day(now)
    yesterday = today - timedelta(days=1)
    ended = {r.pk for r in records if r.status != KeyPerson.Status.ACTIVE}
    missed: dict[int, list[schedule.DueSlot]] = {}
    for due in reversed(
        schedule.overdue_slots(
            records,
            now=now,
            since=schedule.day_start(yesterday),
            policies=policies,
            filled=filled,
        )
    ):
        if due.day == yesterday or (due.day == today and due.key_person_id in ended):
            missed.setdefault(due.key_person_id, []).append(due)
    return missed
