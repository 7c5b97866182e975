"""A key person's page: the follow-up counts agree with the follow-ups it lists."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world, clock, policy_a):
    clock.set(clock.today, 9, 0)
    return f.key_person(world.building_a, "张三丰")


def tap(world, record, slot: int = 1, **data) -> None:
    data = {"client_id": str(uuid.uuid4()), "slot": str(slot), "method": "phone", **data}
    response = world.client("grid_a").post(reverse("watch:followup", args=[record.pk]), data)
    assert response.status_code == 302


def counts(world, record) -> str:
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
    return page.context["completeness"]


def test_a_follow_up_of_the_open_slot_counts_at_once(world, clock, record) -> None:
    """The morning's follow-up is listed at 10:30; the counts said 应 0 次，已 0 次
    (with 异常 1 次 beside them after a fever) until the slot's deadline at noon."""
    clock.set(clock.today, 10, 30)
    tap(world, record, temperature="38.2")
    done = counts(world, record)
    assert (done.due, done.done, done.missing, done.abnormal) == (1, 1, 0, 1)
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
    assert "应 1 次，已 1 次" in page.content.decode()


def test_an_open_slot_not_yet_followed_up_is_not_missing(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    done = counts(world, record)
    assert (done.due, done.done, done.missing) == (0, 0, 0)
    clock.set(clock.today, 12, 5)
    done = counts(world, record)
    assert (done.due, done.done, done.missing) == (1, 0, 1)
