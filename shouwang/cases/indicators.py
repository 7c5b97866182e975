"""Cases' daily-report indicators: new suspected and new confirmed cases, key areas in
force, and the household visits made in them.

A case counts on the report day it was entered as, or changed to, the classification
(the time of its history row), in the community of the case's area. So a suspected
case confirmed later counts once in each figure, on its own day; a case that turns
back to a classification it had before (排除 → 疑似, 治愈 → 确诊 复阳) counts again.
"""

from __future__ import annotations

from collections.abc import Sequence

from shouwang.areas.models import Area
from shouwang.reports.days import Window
from shouwang.reports.indicators import FLOW, STOCK, Indicator, by_community

from .models import Case, CaseEvent, HouseholdVisit, KeyArea


def _became(classification: str, window: Window, communities: Sequence[Area]) -> dict[int, int]:
    rows = CaseEvent.objects.became(classification, start=window.start, end=window.end)
    return by_community(rows, communities, area="case__area")


def suspected_new(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    return _became(Case.Classification.SUSPECTED, window, communities)


def confirmed_new(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    return _became(Case.Classification.CONFIRMED, window, communities)


def key_areas(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    """Key areas in force on the report day, a building marked inside a marked compound
    counted once with its compound."""
    return by_community(KeyArea.objects.active(window.day).uncovered(window.day), communities)


def household_visits(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    """Visits that reached the household: an attempt that found nobody is no visit."""
    rows = HouseholdVisit.objects.reached().filter(
        recorded_at__gte=window.start, recorded_at__lt=window.end
    )
    return by_community(rows, communities, area="household__area")


INDICATORS = [
    Indicator(
        "suspected_new",
        "新增疑似病例",
        "例",
        FLOW,
        suspected_new,
        incident=True,
        order=25,
        help="当日登记为疑似或改为疑似的病例",
    ),
    Indicator(
        "confirmed_new",
        "新增确诊病例",
        "例",
        FLOW,
        confirmed_new,
        incident=True,
        order=26,
        help="当日登记为确诊或改为确诊的病例",
    ),
    Indicator(
        "key_areas",
        "重点区域",
        "个",
        STOCK,
        key_areas,
        order=27,
        help="管控期内的重点区域（小区或楼栋；已标记小区内另行标记的楼栋不重复计）",
    ),
    Indicator(
        "household_visits",
        "重点区域住户随访",
        "户次",
        FLOW,
        household_visits,
        order=28,
        help="当日在重点区域完成的住户随访（联系不上的不计）",
    ),
]
