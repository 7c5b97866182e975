"""On New Year's morning the dashboard's last closed day is last year's: named with its
year, not as this year's 12月31日."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse

from shouwang.reports import days
from shouwang.reports.rollup import rollup

pytestmark = pytest.mark.django_db

NEW_YEAR = date(2027, 1, 1)


@pytest.fixture(autouse=True)
def new_years_morning() -> Iterator[datetime]:
    moment = days.window(NEW_YEAR).end - timedelta(hours=4)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert days.last_closed_day() == date(2026, 12, 31)
        rollup(date(2026, 12, 31))
        rollup(NEW_YEAR)
        yield moment


@pytest.mark.parametrize("page", ["dashboard:index", "dashboard:wall"])
def test_last_years_closed_day_carries_its_year(world, page):
    text = world.client("hq").get(reverse(page)).content.decode()
    assert "2026年12月31日日报" in text
    assert "12月31日日报" not in text.replace("2026年12月31日日报", "")
