"""A community reports a day the roll-up has not stored a row for (a late report of an
older day, which the scheduled job no longer rolls up): HQ's table shows the
community's 入户登记率 as the ledger's coverage, not 0.0 % beside its registered
households. The rate's numerator (计入登记率户数) is no line of the report form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.reports import days
from shouwang.reports.models import DailyFigure
from shouwang.reports.rollup import due_days

from . import data
from .pages import page_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_day(world):
    """A closed day outside the scheduled roll-up, with one household of the eight
    community A expects registered before it."""
    day = days.last_closed_day() - timedelta(days=5)
    assert day not in due_days()
    data.household(world.building_a, at=days.window(day).start - timedelta(days=1))
    assert not DailyFigure.objects.filter(day=day).exists()
    return day


def community_a_rate(world, day):
    response = world.client("hq").get(reverse("reports:overview"), {"day": day.isoformat()})
    assert response.status_code == 200
    row = next(r for r in response.context["table"].rows if r.area == world.community_a)
    assert row.report is not None
    assert row.report.is_submitted
    return row.figure.values.get("household_coverage")


def test_a_zero_report_of_an_old_day_shows_the_ledgers_rate(world, old_day, post_zero):
    response = post_zero(world.client("staff_a"), world.community_a, old_day)
    assert response.status_code == 302
    assert community_a_rate(world, old_day) == 12.5  # 1 of 8 households


def test_a_report_of_an_old_day_shows_the_ledgers_rate(world, old_day):
    args = [world.community_a.pk, old_day.isoformat()]
    client = world.client("staff_a")
    page = client.get(reverse("reports:report", args=args))
    response = client.post(reverse("reports:submit", args=args), page_form(page))
    assert response.status_code == 302
    assert community_a_rate(world, old_day) == 12.5
