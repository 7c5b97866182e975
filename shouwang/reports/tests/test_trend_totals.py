"""The trend's 累计 of a figure the communities type in: — until someone gave it (as
the bulletin's {code.total} says), not 0; from then on the sum of what was given."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from shouwang.reports import actions, bulletin
from shouwang.reports.rollup import rollup

from . import data

pytestmark = pytest.mark.django_db


def points(world, code="leaflets"):
    response = world.client("hq").get(reverse("reports:trend", args=[code]))
    assert response.status_code == 200
    return {p.day: p for p in response.context["series"]}


def test_a_manual_figure_nobody_gave_has_no_running_total(world, day):
    data.manual_indicator()
    for back in range(3):
        rollup(day - timedelta(days=back))
    series = points(world)
    assert [series[day - timedelta(days=n)].total for n in range(3)] == [None, None, None]
    assert bulletin.context(world.subdistrict, day).totals["leaflets"] is None


@override_settings(REPORT_GRACE_MINUTES=3 * 24 * 60)
def test_the_running_total_starts_with_the_first_figure_given(world, day):
    data.manual_indicator()
    before = day - timedelta(days=2)
    rollup(before)
    report = actions.report_for(community=world.community_b, day=day - timedelta(days=1))
    values = {line.code: line.value or 0 for line in actions.lines(report)}
    actions.submit_report(report=report, values={**values, "leaflets": 120}, reasons={}, by=None)
    rollup(day - timedelta(days=1))
    rollup(day)
    series = points(world)
    assert series[before].total is None
    assert series[day - timedelta(days=1)].total == 120
    assert series[day].total == 120  # nothing given that day: the sum so far
    assert bulletin.context(world.subdistrict, day).totals["leaflets"] == 120
