"""A closed day with no roll-up: the scheduled job rolls up the day in progress and
the day just closed only, so the page of an older day must not promise that it will
be rolled up in a few minutes; it tells HQ to roll it up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.reports import days
from shouwang.reports.rollup import due_days

pytestmark = pytest.mark.django_db

SOON = "定时任务每隔几分钟汇总一次"
NEVER = "定时任务只汇总当天和前一天"


@pytest.mark.parametrize("page", ["reports:overview", "reports:bulletin"])
def test_a_day_just_closed_will_be_rolled_up_by_the_scheduled_job(world, page):
    day = days.last_closed_day()
    assert day in due_days()
    html = world.client("hq").get(reverse(page), {"day": day.isoformat()}).content.decode()
    assert SOON in html
    assert NEVER not in html


@pytest.mark.parametrize("page", ["reports:overview", "reports:bulletin"])
@pytest.mark.parametrize("persona", ["hq", "leader"])
def test_an_older_day_says_the_scheduled_job_will_not_roll_it_up(world, page, persona):
    day = days.last_closed_day() - timedelta(days=10)
    assert day not in due_days()
    html = world.client(persona).get(reverse(page), {"day": day.isoformat()}).content.decode()
    assert "该日尚未汇总" in html
    assert SOON not in html
    assert NEVER in html
    assert ("重新汇总" in html) is (persona == "hq")
