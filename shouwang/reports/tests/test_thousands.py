"""Large figures are grouped by three on the overview, the trend and the dashboard
(161,771), as on the supplies pages; the day's xlsx keeps them numbers."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.reports import days
from shouwang.reports.models import DailyFigure
from shouwang.reports.rollup import rollup
from shouwang.reports.tables import show

pytestmark = pytest.mark.django_db


@pytest.fixture
def big(world):
    """The last closed day rolled up, with 161,771 persons registered everywhere."""
    day = days.last_closed_day()
    rollup(day)
    for figure in DailyFigure.objects.filter(day=day):
        figure.values = {**figure.values, "persons_registered": 161771}
        figure.save(update_fields=["values"])
    return day


def test_show_groups_counts_and_keeps_ratios_to_one_decimal() -> None:
    assert show(161771) == "161,771"
    assert show(12345.67) == "12,345.7"
    assert show(0) == "0"
    assert show(None) == "—"


def test_the_overview_and_the_trend_group_large_figures(world, big) -> None:
    client = world.client("hq")
    page = client.get(reverse("reports:overview"), {"day": big.isoformat()}).content.decode()
    assert "161,771" in page
    assert "161771" not in page
    page = client.get(reverse("reports:trend", args=["persons_registered"])).content.decode()
    assert "161,771" in page


def test_the_days_xlsx_keeps_numbers(world, big) -> None:
    response = world.client("hq").get(reverse("reports:export"), {"day": big.isoformat()})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    column = rows[0].index("已登记人数（人）")
    assert rows[1][column] == 161771
