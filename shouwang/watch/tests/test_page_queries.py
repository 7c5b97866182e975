"""The counts page, HQ's 今日随访 and the overdue list read a fixed number of queries:
more communities, key persons, follow-ups and workers add none."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.areas.models import Area
from shouwang.areas.tests.factories import child
from shouwang.watch import actions
from shouwang.watch.models import KeyPerson, WatchPolicy
from shouwang.watch.tests import factories as f
from shouwang.watch.views import followups, stats

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("watch:stats"),
    reverse("watch:today"),
    reverse("watch:today") + "?page=2",
    reverse("watch:overdue"),
]


def populate(building: Area, clock, prefix: str, count: int, responsible=None) -> None:
    """``count`` key persons registered at 09:00 today: the first followed up in the
    morning slot, the second released, the others owe the morning slot."""
    day = clock.today
    clock.set(day, 9, 0)
    records = [
        f.key_person(building, f"{prefix}{i}", responsible=responsible) for i in range(count)
    ]
    clock.set(day, 10, 0)
    actions.record_followup(
        key_person=records[0], client_id=uuid.uuid4(), slot=1, method="phone", by=None
    )
    clock.set(day, 11, 0)
    actions.change_status(
        key_person=records[1],
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.ORDERED_RELEASE,
        by=None,
    )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_read_as_many_queries_for_one_community_as_for_many(
    world, clock, policy_a, monkeypatch
) -> None:
    # Small pages, so that both sizes list, truncate and page.
    monkeypatch.setattr(stats, "LIST_ROWS", 2)
    monkeypatch.setattr(followups, "CARDS_PER_PAGE", 2)
    monkeypatch.setattr(followups, "OVERDUE_PER_PAGE", 2)
    day = clock.today
    populate(world.building_a, clock, "甲", 6)
    clock.set(day, 12, 30)
    client = world.client("hq")
    client.get(PAGES[0])
    small = {url: queries(client, url) for url in PAGES}

    populate(world.building_b, clock, "乙", 5)
    for n in range(3):
        community = child(world.subdistrict, f"新社区{n}")
        WatchPolicy.objects.create(community=community, slots="早 07:00-09:00；晚 18:00-21:00")
        worker = UserFactory(role=Role.GRID_WORKER, area=community)
        building = child(child(community, f"新小区{n}"), "1号楼")
        populate(building, clock, f"丙{n}-", 5, responsible=worker)
    clock.set(day, 12, 30)
    response = client.get(PAGES[0])
    assert response.context["figures"].in_observation == 6 + 5 + 3 * 5 - 5
    assert len(response.context["tables"]["observation"].rows) == 2 + 3 + 1
    large = {url: queries(client, url) for url in PAGES}
    assert large == small
