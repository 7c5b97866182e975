"""The dashboard before today's first roll-up (a fresh install, or the minutes after
the cutoff before the scheduled job has run): it says 今日尚未汇总 — the wall screen
too, not a bare 更新于 — — and the 下级明细 table shows the latest day rolled up,
labelled with its day, instead of disappearing; in the same number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.reports import days
from shouwang.reports.rollup import rollup
from shouwang.reports.tests import data

pytestmark = pytest.mark.django_db
QUERIES = 8  # as test_dashboard: session, user, area, catalogue, 14 days, children, alerts…


def _label(day):
    return f"{day.month}月{day.day}日"


@pytest.fixture
def closed_only(world):
    """Yesterday rolled up, today not yet (the minutes after the cutoff)."""
    today = days.day_of(timezone.now())
    closed = today - timedelta(days=1)
    data.household(world.building_a, persons=2, at=days.window(closed).start)
    rollup(closed)
    return world


def test_the_table_shows_the_latest_day_rolled_up_with_its_day(closed_only):
    today = days.day_of(timezone.now())
    closed = today - timedelta(days=1)
    response = closed_only.client("hq").get(reverse("dashboard:index"))
    snap = response.context["snap"]
    assert [row.area.name for row in snap.children] == ["西城社区", "八一社区"]
    assert snap.children_day == closed
    page = response.content.decode()
    assert "今日尚未汇总" in page
    assert f"下级明细（{_label(closed)}，今日尚未汇总）" in page
    assert "今日实时" not in page


def test_the_wall_screen_says_today_is_not_rolled_up(closed_only, django_assert_num_queries):
    closed = days.day_of(timezone.now()) - timedelta(days=1)
    client = closed_only.client("hq")
    client.get(reverse("dashboard:wall"))  # the catalogue is seeded on first use
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("dashboard:wall"))
    page = response.content.decode()
    assert "更新于 —" not in page
    assert "今日尚未汇总" in page
    assert f"下级明细 · {_label(closed)}" in page
    assert len(response.context["snap"].children) == 2


@pytest.mark.parametrize("page", ["dashboard:index", "dashboard:wall"])
def test_a_fresh_install_says_nothing_is_rolled_up_yet(world, page):
    response = world.client("hq").get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert "今日尚未汇总" in html
    assert "更新于 —" not in html
    assert response.context["snap"].children == []
    assert response.context["snap"].children_day is None


def test_today_rolled_up_is_today_live(closed_only):
    today = days.day_of(timezone.now())
    rollup(today)
    response = closed_only.client("hq").get(reverse("dashboard:index"))
    assert response.context["snap"].children_day == today
    page = response.content.decode()
    assert "下级明细（今日实时）" in page
    assert "今日尚未汇总" not in page


@pytest.fixture
def month_old(world):
    """Nothing rolled up since a day 30 days ago (the scheduled job stopped then)."""
    old = days.day_of(timezone.now()) - timedelta(days=30)
    data.household(world.building_a, persons=2, at=days.window(old).start)
    rollup(old)
    return old


@pytest.mark.parametrize("page", ["dashboard:index", "dashboard:wall"])
def test_the_table_shows_the_latest_day_rolled_up_however_old(world, month_old, page):
    response = world.client("hq").get(reverse(page))
    snap = response.context["snap"]
    assert snap.children_day == month_old
    assert [row.area.name for row in snap.children] == ["西城社区", "八一社区"]
    assert _label(month_old) in response.content.decode()


def test_the_latest_day_however_old_takes_one_query_more(
    world, month_old, django_assert_num_queries
):
    client = world.client("hq")
    client.get(reverse("dashboard:wall"))  # the catalogue is seeded on first use
    with django_assert_num_queries(QUERIES + 1):
        client.get(reverse("dashboard:wall"))


@pytest.fixture
def year_old(world):
    """Nothing rolled up since a day over a year ago: a day of an earlier year."""
    old = days.day_of(timezone.now()) - timedelta(days=400)
    data.household(world.building_a, persons=2, at=days.window(old).start)
    rollup(old)
    return old


@pytest.mark.parametrize("page", ["dashboard:index", "dashboard:wall"])
def test_a_day_of_an_earlier_year_is_labelled_with_its_year(world, year_old, page):
    response = world.client("hq").get(reverse(page))
    assert response.context["snap"].children_day == year_old
    page = response.content.decode()
    assert f"{year_old.year}年{_label(year_old)}" in page
