"""The demo started between a day's cutoff and its deadline (15:20, reports due by
16:00): no report reads as submitted later than the demo ran."""

from __future__ import annotations

import io
import random
from datetime import timedelta
from unittest import mock

import pytest

from shouwang.areas.models import Area
from shouwang.core.demo import DemoContext
from shouwang.reports import days, demo
from shouwang.reports.models import DailyReport

from .data import MOVED_DAY

pytestmark = pytest.mark.django_db


def test_no_demo_report_is_submitted_after_the_demo_ran(world):
    moment = days.window(MOVED_DAY).end + timedelta(minutes=20)
    assert moment < days.deadline(MOVED_DAY)
    Area.objects.update(created_at=moment - timedelta(days=365))
    ctx = DemoContext(size_name="tiny", rng=random.Random(1), out=io.StringIO())
    ctx.subdistrict = world.subdistrict
    ctx.users = {"staff_a": world.staff_a, "staff_b": world.staff_b}
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert days.last_closed_day() == MOVED_DAY
        demo.build(ctx)
    latest = DailyReport.objects.filter(day=MOVED_DAY).exclude(submitted_at=None)
    assert latest.exists()
    assert all(r.submitted_at <= moment for r in DailyReport.objects.exclude(submitted_at=None))
