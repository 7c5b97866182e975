"""A figure the communities type in (an indicator HQ added) has no value today: they
report it after the cutoff. Its card read "—份" and nothing else; it shows — and
yesterday's reported figure beside it, as a computed figure's card does."""

from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.reports import actions, days
from shouwang.reports.rollup import rollup
from shouwang.reports.tests import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(world):
    """Yesterday community A reported 12 leaflets handed out, B zero-reported."""
    closed = days.last_closed_day()
    data.manual_indicator("leaflets")
    report = actions.report_for(community=world.community_a, day=closed)
    values = {line.code: line.value or 0 for line in actions.lines(report)}
    actions.submit_report(
        report=report,
        values={**values, "leaflets": 12},
        reasons={},
        by=world.staff_a,
        now=days.window(closed).end + timedelta(minutes=5),
    )
    zero = actions.report_for(community=world.community_b, day=closed)
    actions.zero_report(report=zero, by=world.staff_b, now=days.window(closed).end)
    rollup(closed)
    rollup(days.open_day())
    return world


@pytest.mark.parametrize("view", ["dashboard:index", "dashboard:wall"])
def test_a_typed_in_figure_shows_yesterdays_report(reported, view):
    response = reported.client("hq").get(reverse(view))
    card = next(c for c in response.context["snap"].cards if c.definition.code == "leaflets")
    assert card.shown == "—"
    assert card.comparison == "昨日 12"
    page = response.content.decode()
    assert "—<small>份</small>" not in page
    assert "昨日 12" in page
