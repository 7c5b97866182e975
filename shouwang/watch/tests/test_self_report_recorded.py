"""The self-report page tells the person what their slot already holds: a one-tap
正常 by the grid worker carries no temperature, and the page says no "体温 —℃"."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from shouwang.watch import actions
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world, clock, policy_a):
    clock.set(clock.today, 8, 0)
    return f.key_person(world.building_a, "王小明")


def page(client, record) -> str:
    return client.get(
        reverse("watch:self_report", args=[record.self_report_token()])
    ).content.decode()


def test_it_says_a_one_tap_normal_was_recorded_without_a_blank_temperature(
    client, clock, record, world
) -> None:
    clock.set(clock.today, 9, 10)
    actions.record_followup(
        key_person=record, client_id=uuid.uuid4(), slot=1, method="phone", by=world.grid_worker_a
    )
    clock.set(clock.today, 9, 30)
    text = page(client, record)
    assert "上午已记录（09:10），谢谢配合！" in text
    assert "—℃" not in text


def test_it_names_the_temperature_when_one_was_taken(client, clock, record) -> None:
    clock.set(clock.today, 9, 10)
    actions.record_followup(
        key_person=record,
        client_id=uuid.uuid4(),
        slot=1,
        method="self",
        by=None,
        temperature=actions.parse_temperature("36.6"),
    )
    assert "上午已记录（体温 36.6℃，09:10），谢谢配合！" in page(client, record)
