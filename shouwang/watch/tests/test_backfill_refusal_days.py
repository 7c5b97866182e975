"""A refused 补录 names its day as every other message does (``day_label``: 3月5日,
not 2026年03月05日 nor 2026-03-06)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shouwang.watch.tests import factories as f
from shouwang.watch.tests.factories import backfill

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 5)


@pytest.fixture
def record(world, clock, policy_a):
    clock.set(DAY, 7, 0)
    return f.key_person(world.building_a, "张三丰", by=world.staff_a)


def test_a_backfill_past_its_term_names_the_day_as_other_messages_do(world, clock, record) -> None:
    clock.set(DAY + timedelta(days=2), 9, 0)
    text = backfill(world.client("grid_a"), record, DAY).content.decode()
    assert "3月5日的随访已过补记期限" in text
    assert "03月05日" not in text


def test_a_backfill_of_a_day_to_come_names_the_day_as_other_messages_do(
    world, clock, record
) -> None:
    text = backfill(world.client("grid_a"), record, DAY + timedelta(days=1)).content.decode()
    assert "随访日期 3月6日 晚于今天" in text
    assert "2026-03-06" not in text
