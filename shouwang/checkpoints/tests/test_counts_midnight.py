"""Counts by hour around midnight, Asia/Shanghai: a passage at 23:59:59 local is the
day's hour 23, one at 00:00 the next day's hour 0 — on the counts page, the export and
the checkpoint's page alike (the database stores UTC: 16:00 UTC is local midnight)."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .factories import make_checkin, make_checkpoint

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 2, 1)


@pytest.fixture
def gate(world):
    gate = make_checkpoint(world.compound_a, "西城花园夜门")
    midnight = datetime.combine(DAY + timedelta(days=1), time(0), tzinfo=TZ)
    make_checkin(gate, at=datetime.combine(DAY, time(0), tzinfo=TZ))  # the day's first instant
    make_checkin(gate, at=midnight - timedelta(seconds=1), occupants=2)
    make_checkin(gate, at=midnight)  # the next day
    make_checkin(gate, at=midnight - timedelta(days=1, seconds=1))  # the day before
    return gate


def test_the_export_puts_the_last_second_in_hour_23(world, gate) -> None:
    response = world.client("staff_a").get(
        reverse("checkpoints:counts_export"), {"day": DAY.isoformat()}
    )
    data = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    hours = {r[2]: r[3] for r in data[1:]}
    assert hours == {"00:00–00:59": 1, "23:00–23:59": 2, "全天": 3}


def test_the_counts_page_counts_the_local_day(world, gate) -> None:
    page = world.client("staff_a").get(reverse("checkpoints:counts"), {"day": DAY.isoformat()})
    (row,) = [r for r in page.context["rows"] if r[0] == gate]
    assert row[2]["people_in"] == 3


def test_the_checkpoint_page_shows_the_hours(world, gate) -> None:
    page = world.client("staff_a").get(
        reverse("checkpoints:detail", args=[gate.pk]), {"day": DAY.isoformat()}
    )
    hours = {h["hour"].astimezone(TZ).hour: h["people_in"] for h in page.context["hours"]}
    assert hours == {0: 1, 23: 2}
