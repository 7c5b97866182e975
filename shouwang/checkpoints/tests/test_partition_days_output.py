"""``shouwang checkin_partitions`` names the day partitions it created as ISO dates with
the year (2026-12-31, 2027-01-01), not 12-31 and 01-01: a run across New Year, or the
history of a past winter loaded, would read as one year's days."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from .factories import make_checkin, make_checkpoint

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="day partitions are PostgreSQL's"
)


def test_the_days_created_are_named_with_their_year(world) -> None:
    gate = make_checkpoint(world.compound_a)
    zone = timezone.get_current_timezone()
    for day in (date(2025, 12, 31), date(2026, 1, 1)):
        make_checkin(gate, at=datetime.combine(day, time(10), tzinfo=zone))
    out = StringIO()
    call_command("checkin_partitions", "--ahead", "0", stdout=out)
    made = re.search(r"新建日分区：(.*?)；", out.getvalue()).group(1).split("、")
    assert made[:2] == ["2025-12-31", "2026-01-01"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", day) for day in made)
