"""Fixtures shared by the reports tests: a clock fixed after a closed day whose
counts then move (a late upload)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest

from shouwang.people.models import Household
from shouwang.reports import days

from . import data
from .data import MOVED_DAY


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
