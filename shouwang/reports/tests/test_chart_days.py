"""The trend chart's axis names its days as the table beside it does (``day_label``):
a day of last year with its year on New Year's morning (12/31 beside 1/1 read as this
year's), the days of a span within this year short."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse

from shouwang.reports import days
from shouwang.reports.rollup import rollup

pytestmark = pytest.mark.django_db

NEW_YEAR = date(2027, 1, 1)


@pytest.fixture
def new_years_morning() -> Iterator[datetime]:
    """11:00 of 1 January, before the cutoff: the trend ends on this year's first day."""
    moment = days.window(NEW_YEAR).end - timedelta(hours=4)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert days.open_day() == NEW_YEAR
        yield moment


def axis(page: str) -> list[str]:
    found = re.search(r'<script id="trend-data" type="application/json">(.*?)</script>', page)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))["days"]


def test_the_axis_across_new_year_names_last_years_days_with_their_year(world, new_years_morning):
    rollup(date(2026, 12, 31))
    page = world.client("hq").get(reverse("reports:trend", args=["fevers"]), {"days": "14"})
    labels = axis(page.content.decode())
    assert labels[-2:] == ["2026年12月31日", "1月1日"]
    assert labels[0] == "2026年12月19日"


def test_the_axis_within_this_year_stays_short(world, now):
    page = world.client("hq").get(reverse("reports:trend", args=["fevers"]), {"days": "14"})
    labels = axis(page.content.decode())
    assert labels[-1] == "3月11日"
    assert not any("年" in label for label in labels)
