"""An indicator HQ retires after a day was reported: the day's xlsx still has its
column (the day's reports carried it), and rolling that day up again counts it for
every community, not only for those whose report carried it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.reports import actions, bulletin, catalog, days
from shouwang.reports.models import DailyFigure, IndicatorDefinition
from shouwang.reports.rollup import rollup

from . import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return days.last_closed_day()


@pytest.fixture
def reported(world, day):
    """Community A zero-reports the day (0 fevers); community B, which has not
    reported, had a fever the system counted."""
    span = days.window(day)
    data.fever(world.building_b, at=span.start + timedelta(hours=1))
    actions.zero_report(
        report=actions.report_for(community=world.community_a, day=day),
        by=world.staff_a,
        now=span.end + timedelta(minutes=5),
    )
    rollup(day)
    return world


def retire(world, code):
    catalog.all_definitions()  # seeded on first use
    definition = IndicatorDefinition.objects.get(code=code)
    return actions.set_definition_active(definition=definition, active=False, by=world.hq)


def sheet(world, day):
    response = world.client("hq").get(reverse("reports:export"), {"day": day.isoformat()})
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_a_past_days_xlsx_keeps_the_column_of_an_indicator_retired_since(reported, day):
    retire(reported, "fevers")
    rows = sheet(reported, day)
    header = rows[0]
    assert "发现发热人员（人）" not in header
    fevers = header.index("发现发热人员（人）（已停用）")
    by_name = {row[2]: row for row in rows[1:-1]}
    assert by_name["西城社区"][fevers] == 0
    assert by_name["八一社区"][fevers] == 1
    assert rows[-1][fevers] == 1


def test_a_day_no_report_carried_a_retired_indicator_for_has_no_column_of_it(world, day):
    retire(world, "fevers")
    rollup(day)
    header = sheet(world, day)[0]
    assert not any(str(name).startswith("发现发热人员") for name in header)


def test_rolling_a_day_up_again_counts_a_retired_indicator_its_reports_carried(reported, day):
    retire(reported, "fevers")
    rollup(day)
    figure = DailyFigure.objects.get(area=reported.community_b, day=day)
    assert figure.values["fevers"] == 1  # counted, though B has not reported
    assert DailyFigure.objects.get(area=reported.subdistrict, day=day).values["fevers"] == 1
    rows = sheet(reported, day)
    assert rows[-1][rows[0].index("发现发热人员（人）（已停用）")] == 1


def test_re_enabling_leaves_no_partial_total_of_a_day_rolled_up_while_retired(reported, day):
    fevers = retire(reported, "fevers")
    rollup(day)
    actions.set_definition_active(definition=fevers, active=True, by=reported.hq)
    response = reported.client("hq").get(reverse("reports:overview"), {"day": day.isoformat()})
    table = response.context["table"]
    column = [d.code for d in table.definitions].index("fevers")
    assert table.total_cells[column] == "1"


def test_a_past_days_overview_keeps_the_column_the_xlsx_keeps(reported, day):
    """The overview of a day and its xlsx show the same indicators; a retired one is
    headed （已停用） and not linked to its trend (no longer offered: 没有这个指标)."""
    retire(reported, "fevers")
    response = reported.client("hq").get(
        reverse("reports:overview"), {"area": reported.subdistrict.pk, "day": day.isoformat()}
    )
    table = response.context["table"]
    column = [d.code for d in table.definitions].index("fevers")
    assert table.total_cells[column] == "1"
    by_name = {row.area.name: row.cells[column] for row in table.rows}
    assert by_name["西城社区"] == "0"
    assert by_name["八一社区"] == "1"
    html = response.content.decode()
    assert "发现发热人员（人）（已停用）" in html
    assert reverse("reports:trend", args=["fevers"]) not in html
    shown = sheet(reported, day)[0][5:-1]
    assert [d.heading for d in table.definitions] == [h.removesuffix("（已停用）") for h in shown]


def test_a_past_days_bulletin_speaks_of_indicators_offered_only(reported, day):
    """Unlike the overview and the xlsx, the bulletin (text sent out now) drops the
    part naming an indicator retired since, on a past day too, and shows — for it
    outside an optional part: it does not report a figure HQ no longer tracks."""
    retire(reported, "fevers")
    ctx = bulletin.context(reported.subdistrict, day)
    assert ctx.figure.values["fevers"] == 1
    assert "发热" not in bulletin.render(bulletin.DEFAULT_TEMPLATE, ctx)
    assert bulletin.render("发热{fevers}人，累计{fevers.total}人", ctx) == "发热—人，累计—人"
