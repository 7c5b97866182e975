"""The ledger's daily-report indicators: households and persons registered, coverage.

Point-in-time figures at the day's cutoff: rows created before the cutoff; a person
who moved out before the cutoff no longer counts. For the day in progress that is the
current state, read without the time conditions (cheaper: index-only scans).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, Sum

from shouwang.areas.models import Area
from shouwang.reports.days import Window
from shouwang.reports.indicators import STOCK, Indicator, by_community

from .models import Household, Person


def households_registered(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    rows = Household.objects.all()
    if not window.is_open:  # the day in progress counts every row (an index-only scan)
        rows = rows.filter(created_at__lt=window.end)
    return by_community(rows, communities)


def persons_registered(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    if window.is_open:
        rows = Person.objects.current()
    else:
        rows = Person.objects.filter(created_at__lt=window.end).filter(
            Q(moved_out=False) | Q(moved_out_at__gte=window.end)
        )
    return by_community(rows, communities)


def households_expected(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    units = Area.objects.household_units().filter(expected_households__isnull=False)
    return by_community(units, communities, area="", value=Sum("expected_households"))


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
        "household_coverage",
        "入户登记率",
        "%",
        STOCK,
        ratio=("households_registered", "households_expected"),
        order=63,
        help="已登记户数 ÷ 应登记户数",
    ),
]
