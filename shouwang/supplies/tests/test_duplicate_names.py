"""A name already taken (an item, a purpose; a location or a recipient in the same
area) is refused in plain Chinese, not in Django's generated "具有 名称 的 物资品类
已存在。", and nothing is saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.supplies.models import Item, Location, Purpose, Recipient

from .factories import item, location

pytestmark = pytest.mark.django_db


def refused(response, message: str) -> None:
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "已存在" not in html


def test_an_item_name_taken(world) -> None:
    item("医用口罩")
    before = Item.objects.count()
    response = world.client("hq").post(
        reverse("supplies:item_create"),
        {
            "name": "医用口罩",
            "category": "protection",
            "unit": "个",
            "alert_days": "5",
            "order": "0",
        },
    )
    refused(response, "已有同名的物资，请换一个名称")
    assert Item.objects.count() == before


def test_a_purpose_name_taken(world) -> None:
    Purpose.objects.get_or_create(name="慰问一线人员")
    before = Purpose.objects.count()
    response = world.client("hq").post(
        reverse("supplies:purposes"), {"name": "慰问一线人员", "order": "0"}
    )
    refused(response, "已有同名的资金用途，请换一个名称")
    assert Purpose.objects.count() == before


def test_a_location_name_taken_in_its_area(world) -> None:
    location(world.community_a, "西城社区库房")
    response = world.client("hq").post(
        reverse("supplies:location_create"),
        {"kind": "community", "name": "西城社区库房", "area": world.community_a.pk},
    )
    refused(response, "所属辖区已有同名的存放点，请换一个名称")
    assert Location.objects.count() == 1


def test_a_recipient_name_taken_in_its_area(world) -> None:
    Recipient.objects.create(name="西城超市", area=world.community_a, employees=3)
    response = world.client("hq").post(
        reverse("supplies:recipient_create"),
        {"name": "西城超市", "area": world.community_a.pk, "employees": "5"},
    )
    refused(response, "所属辖区已有同名的领用单位，请换一个名称")
    assert Recipient.objects.count() == 1
