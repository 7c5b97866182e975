"""Key areas (重点区域) as other apps read them.

- Check-in rules: ``is_in_key_area(area)`` / ``key_area_for(area)`` say whether a
  checkpoint's or a person's area lies in a key area in force, and at which level
  (``KeyArea.Level``: 每日随访 < 通行从严 < 封闭管理), so rules can be stricter there.
- Follow-up: ``persons_in_key_areas()`` lists the current residents of key areas in
  force; ``households_to_visit()`` the households to visit each day (每天进行住户随访):
  those with a resident at home (``residents_at_home()``),
  recorded as ``HouseholdVisit`` rows; ``visit_progress()`` counts per day the
  households visited, not reached (未联系上: an attempt found nobody) and missed (漏访:
  no record at all).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core.access import subtree_range
from shouwang.people.models import Household, HouseholdQuerySet, Person, PersonQuerySet
from shouwang.watch.models import KeyPerson

from .models import Case, HouseholdVisit, KeyArea, KeyAreaQuerySet

# How many past days the key area pages count visits for.
PROGRESS_DAYS = 7


def active_key_areas(on: date | None = None, *, within: Area | None = None) -> KeyAreaQuerySet:
    """Key areas in force on ``on`` (today), optionally inside ``within``'s subtree."""
    qs = KeyArea.objects.active(on).select_related("area")
    return qs.within(within) if within is not None else qs


def key_area_for(area: Area, on: date | None = None) -> KeyArea | None:
    """The strictest key area in force covering ``area`` (itself or an ancestor)."""
    marks = list(KeyArea.objects.active(on).containing(area))
    return max(marks, key=lambda k: (k.rank, k.start_date), default=None)


def key_area_of_case(case: Case, user: Any) -> KeyArea | None:
    """The strictest key area in force covering the case's home, if ``user`` may see
    it and it was not marked for this case (the case page lists those already)."""
    mark = key_area_for(case.area)
    if mark is None or mark.case_id == case.pk:
        return None
    return KeyArea.objects.visible_to(user).filter(pk=mark.pk).select_related("area").first()


def is_in_key_area(area: Area, on: date | None = None) -> bool:
    return KeyArea.objects.active(on).containing(area).exists()


def covering(areas: Iterable[Area], lookup: str = "area__path") -> Q | None:
    """Rows inside any of ``areas``' subtrees (``lookup`` leads to the row's area path),
    or None for no areas."""
    ranges = [Q(**{f"{lookup}__range": subtree_range(area.path)}) for area in areas]
    return reduce(or_, ranges) if ranges else None


def households_in_key_areas(on: date | None = None) -> HouseholdQuerySet:
    """Households in key areas in force; chain ``.visible_to(user)`` for a page."""
    condition = covering(k.area for k in active_key_areas(on))
    if condition is None:
        return Household.objects.none()
    return Household.objects.filter(condition)


def persons_in_key_areas(on: date | None = None) -> PersonQuerySet:
    """Current residents of key areas in force; chain ``.visible_to(user)`` or
    ``.within(area)`` to narrow it."""
    condition = covering(k.area for k in active_key_areas(on))
    if condition is None:
        return Person.objects.none()
    return Person.objects.current().filter(condition)


def residents_at_home() -> PersonQuerySet:
    """Current residents who are at home, the persons a household follow-up is for:
    not those whose case says they are away (``CaseQuerySet.away_from_home``: dead, or
    an open case with a 收治机构), nor those under observation in central isolation
    (an active ``watch.KeyPerson`` with measure 集中隔离), nor those whose latest
    key-person record ended 转医院 or 已离开辖区 (``KeyPersonQuerySet.ended_away``) —
    but for a person with a case, whether they are in hospital is the case's to say
    (a contact's record is moved to 转医院 when they become 确诊, whether or not they
    have left home yet, and stays so once they are home 治愈)."""
    away = Case.objects.away_from_home().filter(person=OuterRef("pk"))
    isolated = KeyPerson.objects.active().filter(
        person=OuterRef("pk"), measure=KeyPerson.Measure.CENTRAL
    )
    a_case = Case.objects.filter(person=OuterRef("person"))
    gone = (
        KeyPerson.objects.ended_away()
        .filter(person=OuterRef("pk"))
        .exclude(Q(status=KeyPerson.Status.HOSPITAL) & Q(Exists(a_case)))
    )
    return (
        Person.objects.current()
        .exclude(Exists(away))
        .exclude(Exists(isolated))
        .exclude(Exists(gone))
    )


def not_at_home(persons: PersonQuerySet) -> PersonQuerySet:
    """Of ``persons`` (current residents), those ``residents_at_home()`` leaves out:
    in hospital, in central isolation, dead, left the jurisdiction."""
    return persons.exclude(pk__in=residents_at_home().values("pk"))


def inhabited(households: HouseholdQuerySet) -> HouseholdQuerySet:
    """Households with someone living there at home now: an empty flat, or one whose
    residents are all in hospital, in central isolation, dead or gone from the
    jurisdiction, needs no follow-up."""
    residents = residents_at_home().filter(household=OuterRef("pk"))
    return households.filter(Exists(residents))


def visit_list(user, key_areas: Iterable[KeyArea], *, own_grids: bool = False) -> HouseholdQuerySet:
    """The inhabited households of ``key_areas`` that ``user`` may visit; with
    ``own_grids``, only those in the compounds of the user's grids (a grid worker's
    own list)."""
    marked = covering(k.area for k in key_areas)
    if marked is None:
        return Household.objects.none()
    households = inhabited(Household.objects.visible_to(user).filter(marked))
    if own_grids:
        own = covering(Area.objects.filter(grid_set__staff=user).distinct())
        households = households.filter(own) if own is not None else households.none()
    return households


def households_to_visit(on: date | None = None) -> HouseholdQuerySet:
    """Inhabited households in key areas in force on ``on`` (today): the day's visit
    list. Chain ``.visible_to(user)`` or ``.within(area)`` to narrow it."""
    return inhabited(households_in_key_areas(on))


@dataclass(frozen=True)
class DayProgress:
    """One key area's follow-up on one day. ``due`` counts the households inhabited
    now (the ledger keeps no history of who lived where on a past day); ``visited``
    those reached, ``unreached`` those only tried (联系不上), ``missed`` the rest."""

    day: date
    due: int
    visited: int
    abnormal: int
    unreached: int = 0

    @property
    def missed(self) -> int:
        return max(self.due - self.visited - self.unreached, 0)


def key_area_days(key_area: KeyArea, *, today: date, days: int = PROGRESS_DAYS) -> list[date]:
    """The key area's days in force among the last ``days`` up to ``today``, newest first."""
    first = max(key_area.start_date, today - timedelta(days=days - 1))
    last = today if key_area.end_date is None else min(today, key_area.end_date - timedelta(1))
    return [last - timedelta(n) for n in range((last - first).days + 1)]


def visit_progress(
    key_areas: Sequence[KeyArea], *, today: date | None = None, days: int = PROGRESS_DAYS
) -> dict[int, list[DayProgress]]:
    """For each key area, its follow-up on each of its days in force among the last
    ``days``, newest first: two queries whatever the number of areas. A visit counts
    for every key area covering the household (a marked building in a marked compound),
    and only while the household is inhabited, like ``due``: a flat emptied since it was
    visited neither hides a miss nor counts as one."""
    today = today or timezone.localdate()
    spans = {k.pk: key_area_days(k, today=today, days=days) for k in key_areas}
    wanted = [k for k in key_areas if spans[k.pk]]
    if not wanted:
        return {k.pk: [] for k in key_areas}
    marked = covering(k.area for k in wanted)
    due = inhabited(Household.objects.filter(marked)).aggregate(
        **{
            f"k{k.pk}": Count("pk", filter=Q(area__path__range=subtree_range(k.area.path)))
            for k in wanted
        }
    )
    first = min(day for k in wanted for day in spans[k.pk])
    residents = residents_at_home().filter(household=OuterRef("household"))
    visits = (
        HouseholdVisit.objects.filter(day__gte=first, day__lte=today)
        .filter(covering((k.area for k in wanted), "household__area__path"))
        .filter(Exists(residents))
        .values_list("day", "household__area__path", "reached", "abnormal")
    )
    counted: dict[tuple[int, date], list[int]] = {}
    for day, path, reached, abnormal in visits:
        for k in wanted:
            if path.startswith(k.area.path):
                tally = counted.setdefault((k.pk, day), [0, 0, 0])
                tally[0 if reached else 2] += 1
                tally[1] += abnormal
    return {
        k.pk: [
            DayProgress(day, due.get(f"k{k.pk}", 0), *counted.get((k.pk, day), [0, 0, 0]))
            for day in spans[k.pk]
        ]
        for k in key_areas
    }


def unvisited(key_area: KeyArea, day: date) -> HouseholdQuerySet:
    """The key area's inhabited households with no visit nor attempt on ``day`` (漏访)."""
    visits = HouseholdVisit.objects.on(day).filter(household=OuterRef("pk"))
    return (
        inhabited(Household.objects.within(key_area.area))
        .exclude(Exists(visits))
        .with_address()
        .order_by("area__path", "unit", "room")
    )
