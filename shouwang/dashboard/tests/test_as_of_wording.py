"""What the figures are as of. The day in progress is not complete: the dashboard, the
wall screen and the overview say 截至<time of the figures>（当日统计进行中，<cutoff>截止）,
never 统计截至<cutoff still ahead> as if the day were closed; a closed day says
统计截至<its cutoff>."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.reports import days
from shouwang.reports.models import DailyFigure
from shouwang.reports.rollup import rollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(world):
    day = days.open_day()
    rollup(day)
    return day


def as_of_today(world, today):
    figure = DailyFigure.objects.get(area=world.subdistrict, day=today)
    return (
        f"截至{days.moment_label(figure.computed_at)}"
        f"（当日统计进行中，{days.cutoff_label(today)}截止）"
    )


@pytest.mark.parametrize("page", ["dashboard:index", "dashboard:wall"])
def test_the_dashboard_says_the_day_is_still_being_counted(world, today, page):
    text = world.client("hq").get(reverse(page)).content.decode()
    assert as_of_today(world, today) in text
    assert f"统计截至{days.cutoff_label(today)}" not in text


def test_the_overview_of_today_says_the_day_is_still_being_counted(world, today):
    response = world.client("hq").get(reverse("reports:overview"), {"day": today.isoformat()})
    text = response.content.decode()
    assert as_of_today(world, today) in text
    assert f"统计截至{days.cutoff_label(today)}" not in text


def test_the_overview_of_a_closed_day_says_its_cutoff(world):
    closed = days.last_closed_day()
    rollup(closed)
    response = world.client("hq").get(reverse("reports:overview"), {"day": closed.isoformat()})
    text = response.content.decode()
    assert f"统计截至{days.cutoff_label(closed)}（已截止）" in text
    assert "进行中" not in text


def test_the_dashboard_before_todays_first_rollup_says_so(world):
    text = world.client("hq").get(reverse("dashboard:index")).content.decode()
    assert "今日尚未汇总" in text
    assert "当日统计进行中" in text
