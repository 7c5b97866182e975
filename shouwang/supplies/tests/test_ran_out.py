"""A location that ran out of an item it was using stays in 库存预警 as 缺货 (0 days),
however long ago the last unit went: days of supply must not go blank just because
nothing was left to use in the last seven days. One that has not used the item for
a month, or emptied it by sending it on, no longer needs it and is not listed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.supplies import actions

from .factories import item, location, stock

pytestmark = pytest.mark.django_db


def used_up(world, place, days_ago: int, quantity: int = 100) -> None:
    stock(place, quantity)
    actions.record_out(
        item=item(),
        location=place,
        quantity=quantity,
        kind="consumption",
        at=timezone.now() - timedelta(days=days_ago),
        by=world.staff_a,
    )


def low_rows(client) -> list[tuple[str, int, str]]:
    response = client.get(reverse("supplies:low_stock"))
    assert response.status_code == 200
    return [(f.place.name, f.quantity, str(f.days)) for f in response.context["rows"]]


def test_a_checkpoint_that_ran_out_a_week_ago_is_listed_out_of_stock(world) -> None:
    gate = location(world.compound_a, "西城花园卡点", "checkpoint")
    used_up(world, gate, days_ago=8)
    client = world.client("hq")
    assert low_rows(client) == [("西城花园卡点", 0, "0.0")]
    assert "缺货" in client.get(reverse("supplies:low_stock")).content.decode()

    page = client.get(reverse("supplies:location", args=[gate.pk]))
    assert [(f.quantity, str(f.days)) for f in page.context["stock"]] == [(0, "0.0")]
    body = page.content.decode()
    assert "缺货" in body
    assert "近期无消耗" not in body

    panel = client.get(reverse("dashboard:index")).context["supplies"]
    assert [(f.place, str(f.days)) for f in panel.low] == [(gate, "0.0")]
    assert panel.low_count == 1
    ((figure,),) = [panel.items]
    assert (figure.quantity, str(figure.days)) == (0, "0.0")
    (community,) = client.get(reverse("supplies:overview")).context["by_place"][world.community_a]
    assert str(community.days) == "0.0"


def test_a_location_that_stopped_using_an_item_a_month_ago_is_not_listed(world) -> None:
    gate = location(world.compound_a, "西城花园卡点", "checkpoint")
    used_up(world, gate, days_ago=31)
    client = world.client("hq")
    assert low_rows(client) == []
    page = client.get(reverse("supplies:location", args=[gate.pk]))
    assert [f.days for f in page.context["stock"]] == [None]
    assert client.get(reverse("dashboard:index")).context["supplies"].low_count == 0


def test_a_location_that_sent_its_stock_back_is_not_listed(world) -> None:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    gate = location(world.compound_a, "西城花园卡点", "checkpoint")
    stock(warehouse, 500)
    used_up(world, gate, days_ago=10, quantity=60)
    stock(gate, 40)
    actions.transfer(item=item(), source=gate, destination=warehouse, quantity=40, by=world.hq)
    assert low_rows(world.client("hq")) == []


def test_stock_left_with_no_recent_use_is_not_out_of_stock(world) -> None:
    gate = location(world.compound_a, "西城花园卡点", "checkpoint")
    stock(gate, 100)
    actions.record_out(
        item=item(),
        location=gate,
        quantity=60,
        kind="consumption",
        at=timezone.now() - timedelta(days=8),
        by=world.staff_a,
    )
    client = world.client("hq")
    assert low_rows(client) == []
    body = client.get(reverse("supplies:location", args=[gate.pk])).content.decode()
    assert "近期无消耗" in body
    assert "缺货" not in body


def test_a_location_emptied_by_a_stocktake_is_out_of_stock(world) -> None:
    gate = location(world.compound_a, "西城花园卡点", "checkpoint")
    stock(gate, 100)
    client = world.client("staff_a")
    response = client.post(
        reverse("supplies:location_count", args=[gate.pk]),
        {
            f"n{item().pk}": "0",
            "book": f"{item().pk}:100",
            "reason": "口罩受潮报废",
            "client_id": "count-1",
        },
    )
    assert response.status_code == 302, response.content.decode()

    assert low_rows(world.client("hq")) == [("西城花园卡点", 0, "0.0")]
    page = client.get(reverse("supplies:location", args=[gate.pk]))
    assert [(f.quantity, str(f.days)) for f in page.context["stock"]] == [(0, "0.0")]
    assert "缺货" in page.content.decode()


def test_a_location_emptied_by_use_and_one_by_a_stocktake_are_both_out_of_stock(world) -> None:
    used = location(world.compound_a, "西城花园卡点", "checkpoint")
    counted = location(world.compound_b, "八一新苑卡点", "checkpoint")
    used_up(world, used, days_ago=0)
    stock(counted, 100)
    actions.count_stock(
        location=counted, counted={item(): 0}, reason="盘亏", by=world.hq, client_id="c"
    )
    assert sorted(low_rows(world.client("hq"))) == [
        ("八一新苑卡点", 0, "0.0"),
        ("西城花园卡点", 0, "0.0"),
    ]


def test_a_location_emptied_by_a_stocktake_a_month_ago_is_not_listed(world) -> None:
    gate = location(world.compound_a, "西城花园卡点", "checkpoint")
    stock(gate, 100)
    (count, _) = actions.count_stock(
        location=gate, counted={item(): 0}, reason="盘亏", by=world.hq, client_id="c"
    )
    count.movements.update(occurred_at=timezone.now() - timedelta(days=31))
    assert low_rows(world.client("hq")) == []
