"""A community created today reports from today on: the dashboard says 未开始上报 for
its last closed day, as the overview does, instead of 已报 0/0 (a green badge beside
its name in HQ's table, "未报 0" on its own page)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.areas.tests.factories import child, created
from shouwang.reports import days
from shouwang.reports.rollup import rollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(world):
    community = created(child(world.subdistrict, "新建社区"), timezone.now())
    rollup(days.last_closed_day())
    rollup(days.open_day())
    return community


def test_hqs_table_says_a_new_community_has_not_started_reporting(world, newcomer):
    response = world.client("hq").get(reverse("dashboard:index"))
    row = next(r for r in response.context["snap"].children if r.area == newcomer)
    assert row.not_started
    assert not row.missing
    page = response.content.decode()
    cell = page[page.index(f'?area={newcomer.pk}">新建社区</a>') :]
    assert cell[: cell.index("</tr>")].count("未开始上报") == 1
    assert "0/0" not in page


def test_its_own_dashboard_says_it_has_not_started_reporting(world, newcomer):
    response = world.client("hq").get(reverse("dashboard:index"), {"area": newcomer.pk})
    assert response.context["snap"].not_started
    page = response.content.decode()
    closed = days.last_closed_day()
    assert f"{closed.month}月{closed.day}日日报：</span>" in page
    assert "未开始上报" in page
    assert "已报 0/0" not in page


def test_a_community_that_reports_the_day_still_shows_its_count(world, newcomer):
    response = world.client("hq").get(reverse("dashboard:index"))
    rows = {r.area.name: r for r in response.context["snap"].children}
    assert not rows["西城社区"].not_started
    assert (rows["西城社区"].submitted, rows["西城社区"].communities) == (0, 1)
    assert "0/1" in response.content.decode()


def test_the_wall_says_so_too(world, newcomer):
    page = world.client("hq").get(reverse("dashboard:wall")).content.decode()
    row = page[page.index("<td>新建社区</td>") :]
    assert row[: row.index("</tr>")].count("未开始") == 1
    assert "0/0" not in page


def test_its_own_wall_says_it_has_not_started_reporting(world, newcomer):
    response = world.client("hq").get(reverse("dashboard:wall"), {"area": newcomer.pk})
    page = response.content.decode()
    side = page[page.index('<section class="wall-side">') :]
    side = side[: side.index("</section>")]
    closed = days.last_closed_day()
    assert f"{closed.month}月{closed.day}日日报" in side
    assert "未开始上报" in side
    assert "<b>0</b>已报" not in side
