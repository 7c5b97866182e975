"""Key areas (重点区域) as other apps read them.

- Check-in rules: ``is_in_key_area(area)`` / ``key_area_for(area)`` say whether a
  checkpoint's or a person's area lies in a key area in force, and at which level
  (``KeyArea.Level``: 每日随访 < 通行从严 < 封闭管理), so rules can be stricter there.
- Follow-up: ``persons_in_key_areas()`` lists the current residents of households in
  key areas in force, for the daily follow-up (每天进行住户随访).
"""

from __future__ import annotations

from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Q

from shouwang.areas.models import Area
from shouwang.people.models import Household, HouseholdQuerySet, Person, PersonQuerySet

from .models import KeyArea, KeyAreaQuerySet


def active_key_areas(on: date | None = None, *, within: Area | None = None) -> KeyAreaQuerySet:
    """Key areas in force on ``on`` (today), optionally inside ``within``'s subtree."""
    qs = KeyArea.objects.active(on).select_related("area")
    return qs.within(within) if within is not None else qs


def key_area_for(area: Area, on: date | None = None) -> KeyArea | None:
    """The strictest key area in force covering ``area`` (itself or an ancestor)."""
    marks = list(KeyArea.objects.active(on).containing(area))
    return max(marks, key=lambda k: (k.rank, k.start_date), default=None)


def is_in_key_area(area: Area, on: date | None = None) -> bool:
    return KeyArea.objects.active(on).containing(area).exists()


def _covered(key_areas: list[KeyArea], lookup: str) -> Q | None:
    if not key_areas:
        return None
    return reduce(or_, (Q(**{lookup: k.area.path}) for k in key_areas))


def households_in_key_areas(on: date | None = None) -> HouseholdQuerySet:
    """Households in key areas in force; chain ``.visible_to(user)`` for a page."""
    condition = _covered(list(active_key_areas(on)), "area__path__startswith")
    if condition is None:
        return Household.objects.none()
    return Household.objects.filter(condition)


def persons_in_key_areas(on: date | None = None) -> PersonQuerySet:
    """Current residents of key areas in force, for the daily follow-up; chain
    ``.visible_to(user)`` or ``.within(area)`` to narrow it."""
    condition = _covered(list(active_key_areas(on)), "area__path__startswith")
    if condition is None:
        return Person.objects.none()
    return Person.objects.current().filter(condition)
