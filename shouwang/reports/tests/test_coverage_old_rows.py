"""A day rolled up before 入户登记率 was the 户不漏人 page's 覆盖率 stores the rate of
the earlier definition (已登记户数 ÷ 应登记户数: 137.5 % for 11 households of 8) and no
计入登记率户数 beside it. Past figures are a record, so no migration rewrites them; but
that rate is not the indicator's: the overview, the xlsx, the trend, the dashboard and
the bulletin show — for it (never above 100 %, never a rate of the other definition
beside this one's), the day's counts as stored, until ``report_rollup --day`` rolls
the day up again."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.reports import days
from shouwang.reports.models import DailyFigure
from shouwang.reports.rollup import rollup

from . import data

pytestmark = pytest.mark.django_db

CODE = "household_coverage"


@pytest.fixture
def day():
    return days.last_closed_day()


@pytest.fixture
def old_day(world, day):
    """Building A expects 4 and has 10 households, A2 expects 4 and has 1; the day
    rolled up, then its rows put back as the earlier definition stored them."""
    at = days.window(day).start + timedelta(hours=1)
    for _ in range(10):
        data.household(world.building_a, at=at)
    data.household(world.building_a2, at=at)
    rollup(day)
    for figure in DailyFigure.objects.filter(day=day):
        for values in (figure.values, figure.auto):
            values.pop("households_covered", None)
            registered, expected = (
                values.get("households_registered"),
                values.get("households_expected"),
            )
            values[CODE] = round(registered * 100 / expected, 1) if expected else None
        figure.save()
    assert DailyFigure.objects.get(day=day, area=world.community_a).values[CODE] == 137.5
    return day


def test_the_overview_and_the_xlsx_show_no_rate_of_the_old_definition(world, old_day):
    client = world.client("hq")
    response = client.get(reverse("reports:overview"), {"day": old_day.isoformat()})
    table = response.context["table"]
    column = [d.code for d in table.definitions].index(CODE)
    assert {row.area.name: row.cells[column] for row in table.rows} == {
        "西城社区": "—",
        "八一社区": "—",
    }
    assert table.total_cells[column] == "—"
    assert "137.5" not in response.content.decode()
    sheet = client.get(reverse("reports:export"), {"day": old_day.isoformat()})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    at = rows[0].index("入户登记率（%）")
    assert [row[at] for row in rows[1:]] == [None, None, None]
    registered = rows[0].index("已登记户数（户）")
    assert rows[1][registered] == 11  # the counts stay as stored


def test_the_trend_dashboard_and_bulletin_leave_it_out(world, old_day):
    client = world.client("hq")
    trend = client.get(reverse("reports:trend", args=[CODE])).context["series"]
    assert {p.day: p.value for p in trend}[old_day] is None
    chart = client.get(reverse("dashboard:index")).context["snap"].chart
    (series,) = [s for s in chart["series"] if s["code"] == CODE]
    assert series["values"][-2] is None  # the last closed day, before today
    text = client.get(reverse("reports:bulletin"), {"day": old_day.isoformat()}).content.decode()
    assert "137.5" not in text


def test_rolling_the_day_up_again_gives_the_rate(world, old_day):
    rollup(old_day)
    response = world.client("hq").get(reverse("reports:overview"), {"day": old_day.isoformat()})
    table = response.context["table"]
    column = [d.code for d in table.definitions].index(CODE)
    assert {row.area.name: row.cells[column] for row in table.rows}["西城社区"] == "62.5"
