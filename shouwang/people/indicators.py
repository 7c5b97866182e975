"""The ledger's daily-report indicators: households and persons registered, coverage.

Point-in-time figures at the day's cutoff: rows created before the cutoff; a person
who moved out before the cutoff no longer counts. For the day in progress that is the
current state, read without the time conditions (cheaper: index-only scans).

入户登记率 is the 户不漏人 page's 覆盖率, by the same function (``coverage.unit_coverage``):
已覆盖户数 (households registered, counted up to each building's 应有户数) ÷ 应登记户数,
never above 100 %.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from shouwang.areas.models import Area
from shouwang.reports.days import Window
from shouwang.reports.indicators import (
    STOCK,
    Indicator,
    by_community,
    common_root,
    credit,
    remember,
)

from . import coverage
from .models import Household, Person


def _households_per_area(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    """Households registered at the cutoff per area id, read once for the three
    household figures."""
    rows = Household.objects.all()
    if not window.is_open:  # the day in progress counts every row (an index-only scan)
        rows = rows.filter(created_at__lt=window.end)
    root = common_root(communities)
    if root:
        rows = rows.filter(area__path__startswith=root)
    key = ("people.households_per_area", window.end, window.is_open, root)
    return remember(key, rows.count_by_area)


def _units(window: Window, communities: Sequence[Area]) -> dict[int, coverage.UnitCoverage]:
    def read() -> dict[int, coverage.UnitCoverage]:
        areas = Area.objects.all()
        root = common_root(communities)
        if root:
            areas = areas.filter(path__startswith=root)
        return coverage.unit_coverage(areas, _households_per_area(window, communities))

    return remember(("people.unit_coverage", window.end, window.is_open, id(communities)), read)


def households_registered(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    return credit(_households_per_area(window, communities), communities)


def persons_registered(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    if window.is_open:
        rows = Person.objects.current()
    else:
        rows = Person.objects.filter(created_at__lt=window.end).filter(
            Q(moved_out=False) | Q(moved_out_at__gte=window.end)
        )
    return by_community(rows, communities)


def households_expected(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    units = _units(window, communities)
    return credit({pk: unit.expected for pk, unit in units.items()}, communities)


def households_covered(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    units = _units(window, communities)
    return credit({pk: unit.counted for pk, unit in units.items()}, communities)


INDICATORS = [
    Indicator("households_registered", "已登记户数", "户", STOCK, households_registered, order=60),
    Indicator("persons_registered", "已登记人数", "人", STOCK, persons_registered, order=61),
    Indicator(
        "households_expected",
        "应登记户数",
        "户",
        STOCK,
        households_expected,
        order=62,
        help="各楼栋（没有楼栋的小区/村民组）“应有户数”之和",
    ),
    Indicator(
        "households_covered",
        "计入登记率户数",
        "户",
        STOCK,
        households_covered,
        order=63,
        active=False,
        help="各楼栋已登记户数，超过该楼栋“应有户数”的部分不计（与“户不漏人”页的覆盖率相同）",
    ),
    Indicator(
        "household_coverage",
        "入户登记率",
        "%",
        STOCK,
        ratio=("households_covered", "households_expected"),
        order=64,
        help="计入登记率户数 ÷ 应登记户数，最高100%（与“户不漏人”页的覆盖率相同）",
    ),
]
