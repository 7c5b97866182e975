"""Opening stock is where a location's book of an item starts: a location and item that
already have movements (a purchase, a donation, an allocation received) take no opening
stock — its row would stand after them with a balance that is not its quantity, and
count the same units twice when the paper book already had them. The real quantity is
set by a stock count (盘点) instead. The preview says so on the row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.supplies.models import Balance, Movement

from .factories import item, location, stock
from .test_import import sheet, upload

pytestmark = pytest.mark.django_db


def test_it_refuses_an_opening_for_a_location_and_item_with_movements(world) -> None:
    masks = item("医用口罩")
    warehouse = location(world.subdistrict, "明湖街道仓库")
    stock(warehouse, 500, masks)
    client = world.client("hq")

    preview = client.post(
        reverse("supplies:import"),
        {"file": upload(sheet([["明湖街道仓库", "医用口罩", 40, "箱", "期初盘点"]]))},
    )

    page = preview.content.decode()
    assert preview.status_code == 400
    assert "“明湖街道仓库”的“医用口罩”已有出入库记录（账面500个）" in page
    assert "盘点" in page
    assert Movement.objects.count() == 1
    assert Balance.objects.get(location=warehouse, item=masks).quantity == 500


def test_commit_refuses_one_booked_since_the_preview(world) -> None:
    masks = item("医用口罩")
    warehouse = location(world.subdistrict, "明湖街道仓库")
    client = world.client("hq")
    preview = client.post(
        reverse("supplies:import"),
        {"file": upload(sheet([["明湖街道仓库", "医用口罩", 40, "箱", ""]]))},
    )
    assert preview.status_code == 200
    stock(warehouse, 500, masks)  # a purchase entered between preview and commit

    page = client.post(
        reverse("supplies:import_commit"), {"token": preview.context["token"]}, follow=True
    ).content.decode()

    assert "已有出入库记录" in page
    assert list(Movement.objects.values_list("kind", flat=True)) == ["purchase"]


def test_a_location_without_movements_of_the_item_still_takes_its_opening(world) -> None:
    masks, gowns = item("医用口罩"), item("防护服")
    warehouse = location(world.subdistrict, "明湖街道仓库")
    stock(warehouse, 500, masks)
    client = world.client("hq")
    preview = client.post(
        reverse("supplies:import"),
        {"file": upload(sheet([["明湖街道仓库", "防护服", 50, "", ""]]))},
    )
    assert preview.status_code == 200
    client.post(reverse("supplies:import_commit"), {"token": preview.context["token"]})
    assert Balance.objects.get(location=warehouse, item=gowns).quantity == 50
