"""Unit selects offer the chosen item's units only: the item select asks the server
for them (htmx), a form sent back with an item offers that item's units, and a unit
the item does not have is refused in Chinese naming the units it has."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from shouwang.supplies.models import Balance, Movement

from .factories import item, location, stock

pytestmark = pytest.mark.django_db


def options(html: str, name: str) -> list[str]:
    """The option labels of the select named ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, html[:2000]
    return re.findall(r"<option[^>]*>(.*?)</option>", select.group(1))


def test_the_item_select_asks_for_its_units(world) -> None:
    page = world.client("hq").get(reverse("supplies:purchase")).content.decode()
    select = re.search(r'<select name="item"[^>]*>', page).group(0)
    assert f'hx-get="{reverse("supplies:item_units")}"' in select
    assert 'hx-target="#id_unit"' in select
    assert 'hx-trigger="change"' in select


def test_it_answers_the_chosen_items_units_only(world) -> None:
    masks = item("医用口罩")
    response = world.client("hq").get(reverse("supplies:item_units"), {"item": masks.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_unit"' in html
    assert "maxlength" not in html
    assert options(html, "unit") == ["个（基本单位）", "包（10个）", "盒（50个）", "箱（2,000个）"]


def test_it_answers_a_donation_lines_units_under_the_lines_name(world) -> None:
    liquid = item("84消毒液")
    response = world.client("hq").get(reverse("supplies:item_units"), {"lines-2-item": liquid.pk})
    html = response.content.decode()
    assert 'id="id_lines-2-unit"' in html
    assert options(html, "lines-2-unit") == ["瓶（基本单位）", "箱（24瓶）"]


def test_the_donation_lines_ask_for_their_own_units(world) -> None:
    page = world.client("hq").get(reverse("supplies:donation_create")).content.decode()
    select = re.search(r'<select name="lines-1-item"[^>]*>', page).group(0)
    assert 'hx-target="#id_lines-1-unit"' in select


def test_before_an_item_is_chosen_packs_are_listed_under_their_items(world) -> None:
    item("医用口罩")
    page = world.client("hq").get(reverse("supplies:purchase")).content.decode()
    select = re.search(r'<select name="unit"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert '<optgroup label="医用口罩">' in select
    assert '<optgroup label="84消毒液">' in select


def test_a_form_sent_back_offers_the_chosen_items_units(world) -> None:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    liquid = item("84消毒液")
    response = world.client("hq").post(
        reverse("supplies:purchase"),
        {"location": warehouse.pk, "item": liquid.pk, "quantity": "", "unit": "箱"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert options(html, "unit") == ["瓶（基本单位）", "箱（24瓶）"]
    assert re.search(r'<option value="箱" selected>', html)


@pytest.mark.parametrize("view", ["out", "transfer"])
def test_a_unit_the_item_does_not_have_is_refused_in_chinese(world, view: str) -> None:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    location(world.community_a, "西城社区库房")
    masks = item("医用口罩")
    stock(warehouse, 5000)
    data = {"kind": "issue", "item": masks.pk, "quantity": "2", "unit": "桶"}
    if view == "transfer":
        data["destination"] = location(world.community_b, "八一社区库房").pk
    response = world.client("hq").post(
        reverse(f"supplies:location_{view}", args=[warehouse.pk]), data
    )
    assert response.status_code == 400
    assert "医用口罩没有“桶”这种包装，可用单位：个、包、盒、箱" in response.content.decode()
    assert Movement.objects.count() == 1
    assert Balance.objects.get(location=warehouse).quantity == 5000


def test_a_donation_line_in_a_unit_its_item_does_not_have_is_refused(world) -> None:
    liquid = item("84消毒液")
    response = world.client("hq").post(
        reverse("supplies:donation_create"),
        {
            "donor_kind": "person",
            "donor_name": "李顺喜",
            "disclosure": "named",
            "kind": "goods",
            "client_id": "c-1",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-item": liquid.pk,
            "lines-0-quantity": "3",
            "lines-0-unit": "盒",
        },
    )
    assert response.status_code == 400
    assert "84消毒液没有“盒”这种包装，可用单位：瓶、箱" in response.content.decode()


def test_the_plan_form_offers_the_chosen_items_packs_to_round_to(world) -> None:
    gloves = item("防护手套")
    client = world.client("hq")
    page = client.get(reverse("supplies:plan_create")).content.decode()
    select = re.search(r'<select name="item"[^>]*>', page).group(0)
    assert f'hx-get="{reverse("supplies:plan_create")}"' in select
    assert 'hx-target="#id_round_to_pack"' in select

    response = client.get(
        reverse("supplies:plan_create"), {"item": gloves.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<select name="round_to_pack"')
    assert options(html, "round_to_pack") == ["不取整", "1盒=50双", "1箱=1000双"]


def test_a_plan_rounded_to_another_items_pack_is_refused(world) -> None:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    masks, gloves = item("医用口罩"), item("防护手套")
    response = world.client("hq").post(
        reverse("supplies:plan_create"),
        {
            "title": "卡点口罩",
            "item": masks.pk,
            "source": warehouse.pk,
            "target": "checkpoint",
            "per_person": "1",
            "shifts_per_day": "3",
            "days": "7",
            "round_to_pack": gloves.packs.get(name="箱").pk,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“箱”不是医用口罩的包装" in html
    assert options(html, "round_to_pack") == ["不取整", "1包=10个", "1盒=50个", "1箱=2000个"]
