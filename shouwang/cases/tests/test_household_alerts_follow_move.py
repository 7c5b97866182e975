"""A household not reached two days running raises an alert about the household, not
about one person (连续两天未联系上). When the household is moved into a building on
the ledger (未分配楼栋 → 移到楼栋), that alert, not handled yet, moves with it in the
same transaction — audited like the records and cases that move — so the building's
grid worker sees it; a handled one stays where it was."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import AuditEvent, Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.cases import actions
from shouwang.cases.models import KeyArea
from shouwang.cases.tests.factories import make_key_area
from shouwang.core.tests.personas import signed_in
from shouwang.people.models import Household
from shouwang.people.tests.factories import (
    make_household,
    make_person,
    move_into_building,
    unplaced_village,
)
from shouwang.watch.models import Alert


@pytest.fixture
def village(world):
    village = unplaced_village(world.community_a)
    yesterday = timezone.localdate() - timedelta(days=1)
    make_key_area(village, level=KeyArea.Level.FOLLOW_UP, start_date=yesterday - timedelta(days=1))
    return village


def _unreached(world, home: Household, at: datetime) -> None:
    actions.record_household_unreached(
        household=home, client_id=uuid.uuid4(), method="visit", by=world.grid_worker_a, now=at
    )


def _not_reached_two_days(world, home: Household) -> Alert:
    yesterday = timezone.localdate() - timedelta(days=1)
    _unreached(world, home, timezone.make_aware(datetime.combine(yesterday, time(10))))
    _unreached(world, home, timezone.now())
    alert = Alert.objects.get()
    assert (alert.person, alert.key_person) == (None, None)  # about the household
    return alert


def test_the_households_open_alert_moves_to_the_building(world, village):
    home = village.households.get(room="8")
    alert = _not_reached_two_days(world, home)
    building = village.children.get()
    worker = signed_in(UserFactory(username="grid_w1", role=Role.GRID_WORKER, area=building))
    page = reverse("watch:alerts")
    assert alert.title not in worker.get(page).content.decode()

    assert move_into_building(world.client("staff_a"), home).status_code == 302

    alert.refresh_from_db()
    assert alert.area == building
    assert not Alert.objects.filter(area=village).exists()
    assert alert.title in worker.get(page).content.decode()
    assert alert.title in world.client("staff_a").get(page).content.decode()
    row = AuditEvent.objects.get(object_type="watch.Alert", object_id=str(alert.pk))
    assert row.detail == "所属辖区：王庄 → 王庄1号楼（户移到楼栋）"
    assert (row.user, row.action) == (world.staff_a, AuditEvent.Action.UPDATE)


def test_a_handled_household_alert_stays(world, village):
    home = village.households.get(room="8")
    alert = _not_reached_two_days(world, home)
    alert.mark_handled(by=world.staff_a, note="已联系上家属")

    move_into_building(world.client("staff_a"), home)

    alert.refresh_from_db()
    assert alert.area == village
    assert not AuditEvent.objects.filter(object_type="watch.Alert").exists()


def test_another_households_alert_at_the_compound_stays(world, village):
    neighbour = make_household(village, room="9", unit="")
    make_person(neighbour, "李四")
    alert = _not_reached_two_days(world, neighbour)

    move_into_building(world.client("staff_a"), village.households.get(room="8"))

    alert.refresh_from_db()
    assert alert.area == village
