"""Fixtures of the key-person tests: a settable clock (local time, Asia/Shanghai),
community A's policy, and a record under control since this morning."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from unittest import mock

import pytest
from django.utils import timezone

from shouwang.watch import schedule
from shouwang.watch.models import KeyPerson, WatchPolicy
from shouwang.watch.tests import factories as f


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()
        self._patch = mock.patch("django.utils.timezone.now", side_effect=lambda: self.now)

    def set(self, day: date, hour: int, minute: int = 0) -> datetime:
        """Move to ``day`` at hh:mm local time; returns the aware moment."""
        self.now = datetime.combine(day, time(hour, minute), tzinfo=schedule.zone())
        return self.now

    @property
    def today(self) -> date:
        return schedule.local_day(self.now)


@pytest.fixture
def clock() -> Iterator[Clock]:
    c = Clock()
    c._patch.start()
    yield c
    c._patch.stop()


@pytest.fixture
def policy_a(world) -> WatchPolicy:
    return WatchPolicy.objects.create(
        community=world.community_a, self_report=True, slots="上午 06:00-12:00；下午 14:00-20:00"
    )


@pytest.fixture
def record(world, clock: Clock, policy_a: WatchPolicy) -> KeyPerson:
    """张三丰 of building A, under control since 09:00 today (the clock stays there)."""
    clock.set(clock.today, 9, 0)
    return f.key_person(world.building_a, "张三丰")
