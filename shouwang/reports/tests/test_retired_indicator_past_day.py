"""An indicator HQ retires after a day was reported: the day's xlsx, overview and
bulletin still have it (the day's reports carried it), its trend still shows its
history, and rolling that day up again counts it for every community, not only for
those whose report carried it."""

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
    headed （已停用） and links to its trend, which still shows its history."""
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
    assert reverse("reports:trend", args=["fevers"]) in html
    shown = sheet(reported, day)[0][5:-1]
    assert [d.heading for d in table.definitions] == [h.removesuffix("（已停用）") for h in shown]


def test_a_past_days_bulletin_reads_what_that_day_reported(reported, day):
    """A past day's bulletin speaks of the figures the day was reported with, as its
    overview and xlsx do: an indicator retired since, which the day's reports carried,
    keeps its sentence."""
    retire(reported, "fevers")
    response = reported.client("hq").get(
        reverse("reports:bulletin"), {"area": reported.subdistrict.pk, "day": day.isoformat()}
    )
    assert response.status_code == 200
    text = response.context["form"].initial["text"]
    assert "累计发现发热人员1名（当日1名）" in text
    ctx = bulletin.context(reported.subdistrict, day)
    assert bulletin.render("发热{fevers}人，累计{fevers.total}人", ctx) == "发热1人，累计1人"


def test_a_bulletin_leaves_out_an_indicator_retired_before_the_day(world, day):
    """A day no report carried a retired indicator for (retired before it) has no
    sentence of it, nor a figure outside an optional part."""
    retire(world, "fevers")
    rollup(day)
    ctx = bulletin.context(world.subdistrict, day)
    assert "发热" not in bulletin.render(bulletin.DEFAULT_TEMPLATE, ctx)
    assert bulletin.render("发热{fevers}人", ctx) == "发热—人"


def test_the_trend_of_a_retired_indicator_shows_its_history(reported, day):
    retire(reported, "fevers")
    response = reported.client("leader").get(reverse("reports:trend", args=["fevers"]))
    assert response.status_code == 200
    assert response.context["chart"]["values"][-2] == 1  # the last closed day
    html = response.content.decode()
    assert "发现发热人员 · 近14天（已停用）" in html
    # The indicators offered are linked beside it; it stays reachable from the overview.
    assert reverse("reports:trend", args=["persons_registered"]) in html


def test_the_trend_of_an_unknown_indicator_is_a_404_saying_so(world):
    response = world.client("leader").get(reverse("reports:trend", args=["nope"]))
    assert response.status_code == 404
    assert "没有代码为“nope”的指标" in response.content.decode()


def test_the_trend_of_a_retired_indicator_below_a_community_says_it_is_not_counted(reported):
    """A compound keeps no figures: a retired indicator is no longer counted there."""
    retire(reported, "fevers")
    response = reported.client("hq").get(
        reverse("reports:trend", args=["fevers"]), {"area": reported.compound_a.pk}
    )
    assert response.status_code == 200
    assert set(response.context["chart"]["values"]) == {None}
    assert "只统计在用的指标" in response.content.decode()


@pytest.mark.parametrize("persona", ["staff_a", "hq"])
def test_a_submitted_report_still_shows_a_figure_retired_since(reported, day, persona):
    """The community's report of the day shows what it submitted, as HQ's overview
    of the day does: a figure retired since is kept, headed （已停用）, and cannot be
    amended (the amendment form offers the indicators in use)."""
    retire(reported, "fevers")
    url = reverse("reports:report", args=[reported.community_a.pk, day.isoformat()])
    response = reported.client(persona).get(url)
    assert response.status_code == 200
    assert [line.code for line in response.context["retired"]] == ["fevers"]
    html = response.content.decode()
    assert "发现发热人员（人）（已停用）" in html
    amend = reported.client("staff_a").get(
        reverse("reports:amend", args=[reported.community_a.pk, day.isoformat()])
    )
    assert "发现发热人员" not in amend.content.decode()
