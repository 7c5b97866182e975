"""A community returns unused stock to the warehouse of the sub-district above: a
transfer upward, offered and accepted, audited; never sideways into another community,
and never more than the store holds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.areas.tests.factories import child
from shouwang.supplies.models import Balance, Location, Movement

from .factories import item, location, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(world):
    store = location(world.community_a, "西城社区库房")
    stock(store, 500)
    return {
        "store": store,
        "warehouse": location(world.subdistrict, "明湖街道仓库"),
        "other_store": location(world.community_b, "八一社区库房"),
        "district": location(world.district, "示范区仓库", kind=Location.Kind.WAREHOUSE),
        "other_warehouse": location(child(world.district, "东风街道"), "东风街道仓库"),
    }


def _transfer(client, source, destination, quantity, client_id="r1"):
    return client.post(
        reverse("supplies:location_transfer", args=[source.pk]),
        {
            "destination": destination.pk,
            "item": item().pk,
            "quantity": str(quantity),
            "note": "疫情缓和，退回街道",
            "client_id": client_id,
        },
    )


def test_a_community_is_offered_the_sub_district_warehouse_only(world, places) -> None:
    page = world.client("staff_a").get(
        reverse("supplies:location_transfer", args=[places["store"].pk])
    )
    text = page.content.decode()
    assert "明湖街道仓库" in text
    assert "您辖区内没有其他可调入的存放点" not in text
    for name in ("八一社区库房", "示范区仓库", "东风街道仓库"):
        assert name not in text


def test_a_community_returns_stock_to_the_sub_district_warehouse(world, places) -> None:
    store, warehouse = places["store"], places["warehouse"]
    response = _transfer(world.client("staff_a"), store, warehouse, 200)
    assert response.status_code == 302
    assert Balance.objects.get(location=store).quantity == 300
    assert Balance.objects.get(location=warehouse).quantity == 200
    back_in = Movement.objects.get(location=warehouse, kind="transfer_in")
    assert (back_in.area, back_in.counterpart, back_in.created_by) == (
        world.subdistrict,
        store,
        world.staff_a,
    )
    event = AuditEvent.objects.filter(detail__contains="调拨 西城社区库房 → 明湖街道仓库").get()
    assert event.user == world.staff_a
    # HQ sees the return in the warehouse's ledger.
    page = world.client("hq").get(reverse("supplies:location", args=[warehouse.pk]))
    assert "西城社区库房" in page.content.decode()


@pytest.mark.parametrize("target", ["other_store", "district", "other_warehouse"])
def test_stock_is_never_sent_sideways_or_past_the_sub_district(world, places, target) -> None:
    response = _transfer(world.client("staff_a"), places["store"], places[target], 100)
    assert response.status_code == 400
    assert Balance.objects.get(location=places["store"]).quantity == 500
    assert not Movement.objects.filter(kind="transfer_out").exists()


def test_more_than_the_store_holds_is_not_returned(world, places) -> None:
    response = _transfer(world.client("staff_a"), places["store"], places["warehouse"], 501)
    assert response.status_code == 400
    assert "库存不足" in response.content.decode()
    assert not Movement.objects.filter(kind="transfer_out").exists()


def test_an_inactive_warehouse_is_not_offered(world, places) -> None:
    places["warehouse"].active = False
    places["warehouse"].save(update_fields=["active"])
    response = _transfer(world.client("staff_a"), places["store"], places["warehouse"], 100)
    assert response.status_code == 400
    assert not Movement.objects.filter(kind="transfer_out").exists()
