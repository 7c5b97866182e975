"""Fixtures shared by the reports tests: the last closed day, a clock fixed after a
closed day whose counts then move (a late upload), and the 零报告 click as a user makes
it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from shouwang.people.models import Household
from shouwang.reports import days

from . import data
from .data import MOVED_DAY
from .pages import zero_form


@pytest.fixture
def day() -> date:
    """The last closed report day (the day a report is due for)."""
    return days.last_closed_day()


@pytest.fixture
def now() -> Iterator[datetime]:
    """The clock fixed 8 hours past MOVED_DAY's cutoff: MOVED_DAY is the day just
    closed, whatever the time the tests run at."""
    moment = days.window(MOVED_DAY).end + timedelta(hours=8)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert days.last_closed_day() == MOVED_DAY
        yield moment


@pytest.fixture
def late_upload(world: Any) -> Callable[[], Household]:
    """A late upload: a household of 2 persons registered within MOVED_DAY in
    community B reaches the ledger now (已登记户数 +1, 已登记人数 +2)."""
    at = days.window(MOVED_DAY).start + timedelta(hours=1)
    return lambda: data.household(world.building_b, persons=2, at=at)


@pytest.fixture
def post_zero() -> Callable[..., HttpResponse]:
    """Clicks 一键零报告 as a user does: opens the community's report page of the day
    and posts its zero report form, the standing figures it shows sent back."""

    def post(client: Client, community: Any, day: date, **extra: Any) -> HttpResponse:
        args = [community.pk, day.isoformat()]
        page = client.get(reverse("reports:report", args=args))
        return client.post(reverse("reports:zero", args=args), zero_form(page), **extra)

    return post
