import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.areas.tests.factories import child
from shouwang.reports import actions, catalog, days
from shouwang.reports.indicators import (
    FLOW,
    Indicator,
    by_community,
    by_community_and_hour,
    extra_indicators,
)
from shouwang.reports.models import DailyFigure
from shouwang.reports.rollup import auto_values, rollup
from shouwang.watch.models import Alert

from . import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(world, day):
    """Two sub-districts: 明湖 (A, B) and 南湖 (C), with data in each community."""
    span = days.window(day)
    other = child(world.district, "南湖街道")
    world.community_c = child(other, "南湖社区")
    building_c = child(child(world.community_c, "南湖小区"), "1号楼", expected_households=10)
    world.other = other
    for area, n in ((world.building_a, 3), (world.building_b, 2), (building_c, 4)):
        for _ in range(n):
            data.household(area, persons=2, at=span.start - timedelta(days=1))
    data.key_person(world.building_a, at=span.start + timedelta(hours=1))
    data.key_person(world.building_b, at=span.start - timedelta(days=2))
    data.fever(world.building_a, at=span.end - timedelta(minutes=5))
    data.fever(world.building_b, at=span.start)
    return world


def submit(world, community, day, **changes):
    auto = auto_values(community, day)
    values = {d.code: int(auto.get(d.code) or 0) for d in actions.editable()}
    values.update(changes)
    report = actions.report_for(community=community, day=day)
    return actions.submit_report(
        report=report,
        values=values,
        reasons=dict.fromkeys(changes, "核实更正"),
        by=world.staff_a,
        now=days.window(day).end + timedelta(minutes=10),
    )


def figures(day):
    return {f.area_id: f for f in DailyFigure.objects.filter(day=day)}


def sums_hold(rows, parent, children):
    ratio = {d.code for d in catalog.offered() if d.ratio}
    parent_row = rows[parent.pk]
    kids = [rows[c.pk] for c in children]
    for code in set(parent_row.values) - ratio:
        assert parent_row.values[code] == sum(k.values.get(code) or 0 for k in kids), code
    for field in ("communities", "submitted", "zero", "late"):
        assert getattr(parent_row, field) == sum(getattr(k, field) for k in kids), field


def test_the_totals_equal_the_sum_of_the_detail(city, day):
    submit(city, city.community_a, day, suspected_new=1, fevers=2)
    actions.zero_report(
        report=actions.report_for(community=city.community_c, day=day), by=city.staff_b
    )
    rollup(day)
    rows = figures(day)
    sums_hold(rows, city.subdistrict, [city.community_a, city.community_b])
    sums_hold(rows, city.other, [city.community_c])
    sums_hold(rows, city.district, [city.subdistrict, city.other])
    a = rows[city.community_a.pk]
    assert a.values["fevers"] == 2
    assert a.auto["fevers"] == 1
    assert rows[city.community_b.pk].submitted == 0
    assert rows[city.community_b.pk].auto == rows[city.community_b.pk].values
    top = rows[city.district.pk]
    assert (top.communities, top.submitted, top.zero) == (3, 2, 1)
    assert top.values["households_registered"] == 9
    assert top.values["persons_registered"] == 18  # persons registered after the cutoff wait
    assert top.values["household_coverage"] == round(9 * 100 / (8 + 4 + 10), 1)


def test_a_submission_after_the_rollup_keeps_the_tree_consistent(city, day):
    rollup(day)
    submit(city, city.community_b, day, confirmed_new=1)
    after_submit = {pk: (f.values, f.submitted) for pk, f in figures(day).items()}
    rollup(day)
    fresh = {pk: (f.values, f.submitted) for pk, f in figures(day).items()}
    assert after_submit == fresh
    assert fresh[city.district.pk][0]["confirmed_new"] == 1


def test_the_rollup_runs_a_fixed_number_of_queries(city, day):
    catalog.all_definitions()  # seeds the definitions once
    with CaptureQueriesContext(connection) as few:
        rollup(day)
    for n in range(6):
        child(city.subdistrict, f"加测社区{n}")
    with CaptureQueriesContext(connection) as more:
        rollup(day)
    assert len(more) == len(few)


def test_hourly_counts_are_summed_up_the_tree(city, day):
    today = days.open_day()
    span = days.window(today)
    data.fever(city.building_a, at=span.start)
    data.fever(city.building_b, at=span.end - timedelta(minutes=5))

    def rows(span):
        return Alert.objects.filter(raised_at__gte=span.start, raised_at__lt=span.end)

    hourly = Indicator(
        "alerts_by_hour",
        "预警",
        "条",
        FLOW,
        lambda span, communities: by_community(rows(span), communities),
        hourly=lambda span, communities: by_community_and_hour(
            rows(span), communities, span, at="raised_at"
        ),
    )
    with extra_indicators(hourly):
        rollup(today)
        rollup(day)
    top = figures(today)[city.district.pk]
    assert top.values["alerts_by_hour"] == 2
    series = top.hourly["alerts_by_hour"]
    assert len(series) == 24
    assert sum(series) == 2
    assert series[0] == 1  # at the start
    assert series[23] == 1  # 5 minutes before the cutoff
    # hourly counts are kept for the day in progress only
    assert figures(day)[city.district.pk].hourly == {}


def test_a_closed_day_keeps_the_hourly_counts_of_its_last_open_rollup(city, day):
    rollup(day)
    DailyFigure.objects.filter(day=day).update(hourly={"persons_checked": [1] * 24})
    rollup(day)
    assert all(f.hourly == {"persons_checked": [1] * 24} for f in figures(day).values())


def test_a_moved_community_takes_its_figures_to_its_new_sub_district(city, day):
    from shouwang.areas.actions import move_area

    earlier = day - timedelta(days=1)
    submit(city, city.community_a, day, suspected_new=1)
    rollup(earlier)
    rollup(day)
    move_area(area=city.community_a, new_parent=city.other, by=city.hq)
    for when in (day, earlier):
        rows = figures(when)
        sums_hold(rows, city.subdistrict, [city.community_b])
        sums_hold(rows, city.other, [city.community_c, city.community_a])
        sums_hold(rows, city.district, [city.subdistrict, city.other])
    rows = figures(day)
    assert (rows[city.subdistrict.pk].communities, rows[city.subdistrict.pk].submitted) == (1, 0)
    assert (rows[city.other.pk].communities, rows[city.other.pk].submitted) == (2, 1)
    assert rows[city.other.pk].values["suspected_new"] == 1
    # An amendment after the move changes totals that hold the community.
    report = actions.report_for(community=city.community_a, day=day)
    values = {v.code: v.value for v in report.values.all()}
    actions.amend_report(
        report=report,
        values={**values, "suspected_new": 3},
        reasons={"suspected_new": "核实更正"},
        reason="核实更正",
        by=city.staff_a,
    )
    rows = figures(day)
    sums_hold(rows, city.other, [city.community_c, city.community_a])
    sums_hold(rows, city.district, [city.subdistrict, city.other])
    assert rows[city.district.pk].values["suspected_new"] == 3


def test_a_sub_districts_own_checkpoint_counts_in_its_totals(city, day):
    """Seed 003's road checkpoints belong to the sub-district, not to a community."""
    from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint

    road = make_checkpoint(city.subdistrict, "中州大道卡口")
    for _ in range(3):
        make_checkin(road, at=days.window(day).end - timedelta(hours=1))
    rollup(day)
    rows = figures(day)
    own = rows[city.subdistrict.pk]
    children = [rows[city.community_a.pk], rows[city.community_b.pk]]
    checked = sum(c.values["persons_checked"] for c in children)
    assert own.values["persons_checked"] == checked + 3
    assert own.auto["persons_checked"] == 3  # its own figures, beside its communities'
    assert rows[city.district.pk].values["persons_checked"] == (
        own.values["persons_checked"] + rows[city.other.pk].values["persons_checked"]
    )
    # Summed again after a move, the sub-district keeps its own figures.
    from shouwang.areas.actions import move_area

    move_area(area=city.community_a, new_parent=city.other, by=city.hq)
    rows = figures(day)
    assert rows[city.subdistrict.pk].values["persons_checked"] == (
        rows[city.community_b.pk].values["persons_checked"] + 3
    )


def test_the_overview_shows_the_sub_districts_own_figures_as_a_row(city, day):
    from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint

    road = make_checkpoint(city.subdistrict, "中州大道卡口")
    make_checkin(road, at=days.window(day).end - timedelta(hours=1))
    rollup(day)
    page = city.client("hq").get(reverse("reports:overview"), {"day": day.isoformat()})
    rows = page.context["table"].rows
    assert [r.own for r in rows] == [False, False, True]
    assert "明湖街道直属（本级卡点、库房等）" in page.content.decode()
    sheet = city.client("hq").get(reverse("reports:export"), {"day": day.isoformat()})
    table = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    column = list(table[0]).index(next(h for h in table[0] if h and "排查人员" in h))
    body = [r for r in table[1:] if r[0] != "合计"]
    assert [r[2] for r in body if r[2].endswith("直属")] == ["明湖街道直属"]
    # its 街道/乡镇 is itself, as for its communities' rows (it named the district 示范区)
    assert {r[1] for r in body} == {"明湖街道"}
    total = next(r for r in table[1:] if r[0] == "合计")
    assert sum(int(r[column] or 0) for r in body) == int(total[column])
