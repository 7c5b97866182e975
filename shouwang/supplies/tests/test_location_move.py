"""A location moved to another area while it holds stock: the ledger says so (a
移出辖区 row in the old area, a 移入辖区 row in the new one), and the daily report
of a day before the move still counts the stock where it was then."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from shouwang.checkpoints.models import Checkpoint
from shouwang.reports.rollup import auto_values
from shouwang.supplies.actions import sync_checkpoint_locations
from shouwang.supplies.actions.stock import receive_stock
from shouwang.supplies.models import Balance, Location, Movement, MovementKind

from .factories import item, location

pytestmark = pytest.mark.django_db


def _held_in(area) -> int:
    """What the ledger says ``area`` holds now."""
    return Movement.objects.filter(area=area).aggregate(t=Sum("quantity"))["t"] or 0


def test_moving_a_store_with_stock_writes_the_move_into_the_ledger(world) -> None:
    store = location(world.community_a, "中心库房")
    masks = item("医用口罩")
    two_days_ago = timezone.now() - timedelta(days=2)
    receive_stock(item=masks, location=store, quantity=500, by=world.hq, at=two_days_ago)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = world.client("hq").post(
        reverse("supplies:location_edit", args=[store.pk]),
        {"kind": "community", "name": "中心库房", "area": world.community_b.pk, "active": "on"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    store.refresh_from_db()
    assert store.area == world.community_b
    out, came = Movement.objects.filter(location=store).order_by("id")[1:]
    assert (out.kind, out.quantity, out.balance_after, out.area) == (
        MovementKind.RELOCATE_OUT,
        -500,
        0,
        world.community_a,
    )
    assert (came.kind, came.quantity, came.balance_after, came.area) == (
        MovementKind.RELOCATE_IN,
        500,
        500,
        world.community_b,
    )
    assert "西城社区" in out.note
    assert "八一社区" in out.note
    assert Balance.objects.get(location=store, item=masks).quantity == 500
    assert (_held_in(world.community_a), _held_in(world.community_b)) == (0, 500)
    # Yesterday the stock was in community A; the move does not rewrite that.
    assert auto_values(world.community_a, yesterday)["masks_on_hand"] == 500
    assert auto_values(world.community_b, yesterday)["masks_on_hand"] == 0
    page = world.client("hq").get(reverse("supplies:location", args=[store.pk])).content.decode()
    assert "移入辖区" in page


def test_moving_an_empty_location_writes_no_ledger_rows(world) -> None:
    store = location(world.community_a, "空库房")
    response = world.client("hq").post(
        reverse("supplies:location_edit", args=[store.pk]),
        {"kind": "community", "name": "空库房", "area": world.community_b.pk, "active": "on"},
    )
    assert response.status_code == 302
    assert not Movement.objects.exists()


def test_a_checkpoint_location_following_its_checkpoint_takes_its_stock_along(world) -> None:
    gate = Checkpoint.objects.create(name="东门", area=world.compound_a)
    sync_checkpoint_locations(area=world.subdistrict, by=world.hq)
    place = Location.objects.get(checkpoint=gate)
    receive_stock(item=item("医用口罩"), location=place, quantity=80, by=world.hq)
    Checkpoint.objects.filter(pk=gate.pk).update(area=world.compound_b)

    sync_checkpoint_locations(area=world.subdistrict, by=world.hq)

    place.refresh_from_db()
    assert place.area == world.compound_b
    kinds = list(Movement.objects.filter(location=place).order_by("id").values_list("kind", "area"))
    assert kinds[1:] == [
        (MovementKind.RELOCATE_OUT, world.compound_a.pk),
        (MovementKind.RELOCATE_IN, world.compound_b.pk),
    ]


def test_each_communitys_ledger_explains_its_side_of_the_move(world) -> None:
    store = location(world.community_a, "中心库房")
    masks = item("医用口罩")
    receive_stock(item=masks, location=store, quantity=500, supplier="华康医疗", by=world.hq)
    world.client("hq").post(
        reverse("supplies:location_edit", args=[store.pk]),
        {"kind": "community", "name": "中心库房", "area": world.community_b.pk, "active": "on"},
    )

    ledger_a = world.client("staff_a").get(reverse("supplies:ledger")).content.decode()
    assert "华康医疗" in ledger_a
    assert "<td>移出辖区</td>" in ledger_a
    assert "<td>移入辖区</td>" not in ledger_a
    ledger_b = world.client("staff_b").get(reverse("supplies:ledger")).content.decode()
    assert "<td>移入辖区</td>" in ledger_b
    assert "<td>移出辖区</td>" not in ledger_b
    assert "华康医疗" not in ledger_b
    place_b = world.client("staff_b").get(reverse("supplies:location", args=[store.pk]))
    assert "华康医疗" not in place_b.content.decode()
