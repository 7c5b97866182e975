"""入户登记率 in the daily report is the 覆盖率 of the ledger's 户不漏人 page: households
registered, counted up to each building's 应有户数, ÷ 应登记户数. A building with more
households than expected neither hides another's gap nor lifts the rate past 100 %."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.reports import days
from shouwang.reports.rollup import rollup

from . import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return days.last_closed_day()


@pytest.fixture
def crowded(world, day):
    """Building A expects 4 and has 10 households, A2 expects 4 and has 1; B none."""
    at = days.window(day).start + timedelta(hours=1)
    for _ in range(10):
        data.household(world.building_a, at=at)
    data.household(world.building_a2, at=at)
    rollup(day)
    return world


def coverage_page_rates(world):
    communities = world.client("hq").get(reverse("people:coverage")).context["communities"]
    return {c.area.pk: c.figures.coverage_pct for c in communities}


def overview_rates(world, day):
    response = world.client("hq").get(reverse("reports:overview"), {"day": day.isoformat()})
    table = response.context["table"]
    rates = {row.area.pk: row.figure.values.get("household_coverage") for row in table.rows}
    return rates, table.total.values.get("household_coverage")


def test_the_report_rate_is_the_coverage_pages_rate(crowded, day):
    page = coverage_page_rates(crowded)
    assert page[crowded.community_a.pk] == 62.5  # (4 + 1) / 8, not 11 / 8
    rates, total = overview_rates(crowded, day)
    assert rates[crowded.community_a.pk] == page[crowded.community_a.pk]
    assert rates[crowded.community_b.pk] == page[crowded.community_b.pk] == 0.0
    assert total == round(5 * 100 / 12, 1)


def test_the_rate_never_exceeds_100(crowded, day):
    rates, total = overview_rates(crowded, day)
    assert all(rate is None or rate <= 100 for rate in [*rates.values(), total])


def test_the_days_xlsx_shows_the_same_rate(crowded, day):
    response = crowded.client("hq").get(reverse("reports:export"), {"day": day.isoformat()})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    column = rows[0].index("入户登记率（%）")
    by_name = {row[2]: row[column] for row in rows[1:]}
    assert by_name["西城社区"] == 62.5
    assert rows[-1][0] == "合计"
    assert rows[-1][column] == round(5 * 100 / 12, 1)


def test_the_coverage_page_says_its_rate_is_the_reports(crowded):
    text = crowded.client("hq").get(reverse("people:coverage")).content.decode()
    assert "覆盖率即日报的“入户登记率”" in text
    assert "最高100%" in text
