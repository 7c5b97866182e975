"""The trend chart's axis names a day of last year with its year on New Year's morning
(12/31 beside 1/1 would read as this year's); a span within this year stays short."""

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

PAGES = ["dashboard:index", "dashboard:wall"]


def at_11(day: date) -> Iterator[datetime]:
    """11:00 of ``day``, before the cutoff, with the day just closed rolled up."""
    moment = days.window(day).end - timedelta(hours=4)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        rollup(day - timedelta(days=1))
        rollup(day)
        yield moment


@pytest.fixture
def new_years_morning() -> Iterator[datetime]:
    yield from at_11(date(2027, 1, 1))


@pytest.fixture
def midsummer() -> Iterator[datetime]:
    yield from at_11(date(2026, 6, 15))


def axis(text: str) -> list[str]:
    found = re.search(r'<script id="dash-data" type="application/json">(.*?)</script>', text)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))["days"]


@pytest.mark.parametrize("page", PAGES)
def test_the_axis_across_new_year_names_last_years_days_with_their_year(
    new_years_morning, world, page
):
    labels = axis(world.client("hq").get(reverse(page)).content.decode())
    assert labels[-2:] == ["2026年12月31日", "1月1日"]
    assert all(label.startswith("2026年") for label in labels[:-1])


@pytest.mark.parametrize("page", PAGES)
def test_the_axis_within_this_year_stays_short(midsummer, world, page):
    labels = axis(world.client("hq").get(reverse(page)).content.decode())
    assert labels[-2:] == ["6月14日", "6月15日"]
    assert not any("年" in label for label in labels)
