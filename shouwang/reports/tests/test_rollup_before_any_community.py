"""重新汇总 of a day before any community under the area reported (typed into the
overview's address, e.g. 1900-01-01): there is nothing to roll up, and rows of 0
communities would make that day's bulletin read 应报社区0个. It is refused, saying
from which day the area's communities report, and nothing is written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from shouwang.areas.tests.factories import child, created
from shouwang.reports import days
from shouwang.reports.models import DailyFigure

pytestmark = pytest.mark.django_db


def _at_district(world):
    world.hq.area = world.district
    world.hq.save(update_fields=["area"])


def _rollup(world, area, day):
    url = f"{reverse('reports:rollup')}?area={area.pk}&day={day.isoformat()}"
    return world.client("hq").post(url)


def test_it_refuses_a_day_before_any_community_existed(world):
    first = min(days.first_day(c) for c in (world.community_a, world.community_b))
    response = _rollup(world, world.subdistrict, date(1900, 1, 1))
    assert response.status_code == 409
    page = response.content.decode()
    assert "明湖街道1900年1月1日没有应报日报的社区" in page
    assert f"{first.year}年{first.month}月{first.day}日起" in page
    assert not DailyFigure.objects.exists()


def test_it_refuses_the_day_before_the_first_community_reports(world):
    first = days.first_day(world.community_a)
    created(world.community_b, world.community_a.created_at)
    assert _rollup(world, world.subdistrict, first - timedelta(days=1)).status_code == 409
    assert not DailyFigure.objects.exists()
    assert _rollup(world, world.subdistrict, first).status_code == 302
    assert DailyFigure.objects.get(area=world.subdistrict, day=first).communities == 2


def test_it_refuses_an_area_whose_communities_came_later(world):
    """A new sub-district beside an older one: its own overview's 重新汇总 of a day
    before its communities is refused though the older one's reported that day."""
    _at_district(world)
    day = days.last_closed_day()
    newer = child(world.district, "新区街道")
    created(child(newer, "新建社区"), days.window(day).end + timedelta(hours=1))
    assert _rollup(world, newer, day).status_code == 409
    assert not DailyFigure.objects.exists()
    assert _rollup(world, world.subdistrict, day).status_code == 302
    assert DailyFigure.objects.filter(area=world.subdistrict, day=day).exists()


def test_an_area_with_no_community_at_all_says_so(world):
    _at_district(world)
    empty = child(world.district, "空街道")
    response = _rollup(world, empty, days.last_closed_day())
    assert response.status_code == 409
    assert "空街道尚无社区" in response.content.decode()
    assert not DailyFigure.objects.exists()
