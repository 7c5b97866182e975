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


@pytest.fixture
def reported(world, settings):
    """Community B's report of the last closed day with 12,345 leaflets handed out (a
    figure it types in), submitted on time."""
    from shouwang.reports import actions

    from . import data

    settings.REPORT_GRACE_MINUTES = 3 * 24 * 60
    data.manual_indicator()
    day = days.last_closed_day()
    report = actions.report_for(community=world.community_b, day=day)
    values = {line.code: line.value or 0 for line in actions.lines(report)}
    actions.submit_report(
        report=report, values={**values, "leaflets": 12345}, reasons={}, by=world.staff_b
    )
    return report


def test_the_community_report_groups_large_figures(world, reported) -> None:
    url = reverse("reports:report", args=[world.community_b.pk, reported.day.isoformat()])
    page = world.client("staff_b").get(url).content.decode()
    assert "<strong>12,345</strong>" in page
    assert "12345" not in page


def test_the_revisions_group_large_figures(world, reported) -> None:
    client = world.client("staff_b")
    url = reverse("reports:report", args=[world.community_b.pk, reported.day.isoformat()])
    lines = client.get(url).context["lines"]
    body = {f"v_{line.code}": line.value for line in lines}
    body.update({"v_leaflets": 23456, "reason": "补录一个小区的发放数"})
    amend = reverse("reports:amend", args=[world.community_b.pk, reported.day.isoformat()])
    assert client.post(amend, body).status_code == 302
    page = client.get(url).content.decode()
    assert "发放宣传资料：12,345→23,456" in page


def test_the_systems_count_on_the_form_is_grouped(world, monkeypatch) -> None:
    from shouwang.reports.actions import figures

    counted = figures.auto_values

    def many(community, day):
        return {**counted(community, day), "persons_registered": 161771}

    monkeypatch.setattr(figures, "auto_values", many)
    day = days.last_closed_day()
    url = reverse("reports:report", args=[world.community_b.pk, day.isoformat()])
    page = world.client("staff_b").get(url).content.decode()
    assert 'data-label="系统统计">161,771</td>' in page
    assert 'value="161771"' in page  # the input stays a plain number
