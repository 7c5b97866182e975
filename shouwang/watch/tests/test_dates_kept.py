"""Dates in what is stored and read later — an alert's title and detail, an audit
entry — carry their year even in the current year: "3月5日" written this spring
would read as next spring's in an alert opened next year."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from shouwang.watch import actions
from shouwang.watch.tests import factories as f
from shouwang.watch.tests.factories import backfill

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 5)


@pytest.fixture
def record(world, clock, policy_a):
    """Under control since 07:00 of DAY (slots 上午 06:00-12:00, 下午 14:00-20:00)."""
    clock.set(DAY, 7, 0)
    return f.key_person(world.building_a, "张三丰", by=world.staff_a)


def alerts_page(world) -> str:
    return world.client("staff_a").get(reverse("watch:alerts")).content.decode()


def test_an_abnormal_follow_up_s_alert_and_audit_entry_carry_the_year(world, clock, record) -> None:
    clock.set(DAY + timedelta(days=1), 7, 0)
    response = backfill(world.client("grid_a"), record, DAY, temperature="37.8")
    assert response.status_code == 200, response.content.decode()
    assert "记录时间：2026年3月5日 19:40" in alerts_page(world)
    log = world.client("auditor").get(reverse("accounts:audit")).content.decode()
    assert "补录2026年3月5日下午随访" in log


def test_an_overdue_slot_s_alert_carries_the_year(world, clock, record) -> None:
    clock.set(DAY, 12, 1)
    call_command("watch_overdue")
    page = alerts_page(world)
    assert "2026年3月5日上午未随访" in page
    assert "截止 2026年3月5日 12:00 仍无随访记录" in page


def test_a_suspected_lost_alert_carries_the_year(world, clock, record) -> None:
    for slot, hour in ((1, 9), (2, 15)):
        clock.set(DAY, hour, 10)
        actions.record_attempt(
            key_person=record, client_id=uuid.uuid4(), slot=slot, method="phone", by=None
        )
    page = alerts_page(world)
    assert "自 2026年3月5日 09:10 起" in page
    assert "最近一次：电话 2026年3月5日 15:10" in page
