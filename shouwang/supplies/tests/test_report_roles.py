"""The daily report counts items by their reporting role (计入日报), not by name: HQ
renames 医用口罩 and the figures stay; a new item given the role is counted; the item
form shows and saves the role and refuses one whose unit the report cannot add up."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.urls import reverse

from shouwang.reports.days import window
from shouwang.reports.models import DailyFigure
from shouwang.reports.rollup import auto_values, rollup
from shouwang.supplies.actions.stock import receive_stock
from shouwang.supplies.models import Item, MovementKind

from .factories import item, location, record_out

pytestmark = pytest.mark.django_db

DAY = date(2020, 2, 13)
CUTOFF = window(DAY).end
HOUR = timedelta(hours=1)


def test_the_seeded_catalog_carries_its_roles() -> None:
    assert item("医用口罩").report_as == Item.ReportAs.MASKS
    assert item("KN95口罩").report_as == Item.ReportAs.MASKS
    assert item("防护服").report_as == Item.ReportAs.SUITS
    assert item("防护手套").report_as == ""


def test_a_renamed_mask_is_still_counted_in_the_report(world, item_form) -> None:
    masks = item("医用口罩")
    store = location(world.community_a)
    receive_stock(item=masks, location=store, quantity=1000, by=world.hq, at=CUTOFF - 5 * HOUR)
    record_out(
        item=masks,
        location=store,
        quantity=300,
        kind=MovementKind.ISSUE,
        by=world.hq,
        at=CUTOFF - 2 * HOUR,
    )
    client = world.client("hq")
    page = client.get(reverse("supplies:item_edit", args=[masks.pk])).content.decode()
    assert '<option value="masks" selected>口罩</option>' in page

    response = client.post(
        reverse("supplies:item_edit", args=[masks.pk]), item_form(masks, name="一次性医用口罩")
    )

    assert response.status_code == 302
    masks.refresh_from_db()
    assert (masks.name, masks.report_as) == ("一次性医用口罩", Item.ReportAs.MASKS)
    values = auto_values(world.community_a, DAY)
    assert (values["masks_on_hand"], values["masks_used"]) == (700, 300)
    rollup(DAY)
    figure = DailyFigure.objects.get(area=world.community_a, day=DAY)
    assert (figure.values["masks_on_hand"], figure.values["masks_used"]) == (700, 300)
    assert DailyFigure.objects.get(area=world.subdistrict, day=DAY).values["masks_on_hand"] == 700


def test_a_new_item_given_the_role_is_counted_and_one_without_is_not(world, item_form) -> None:
    client = world.client("hq")
    page = client.get(reverse("supplies:item_create")).content.decode()
    assert "计入日报" in page
    blank = {"category": "protection", "alert_days": "5", "order": "0", "active": "on"}
    for name, unit, role in [
        ("N95口罩", "个", "masks"),
        ("隔离衣", "套", ""),
        ("防护面罩", "个", ""),
    ]:
        response = client.post(
            reverse("supplies:item_create"),
            {**blank, "name": name, "unit": unit, "report_as": role},
        )
        assert response.status_code == 302, response.content.decode()
    n95, gown, visor = (Item.objects.get(name=n) for n in ("N95口罩", "隔离衣", "防护面罩"))
    assert (n95.report_as, gown.report_as, visor.report_as) == ("masks", "", "")
    store = location(world.community_a)
    for it, quantity in ((n95, 40), (gown, 5), (visor, 9), (item("防护服"), 7)):
        receive_stock(item=it, location=store, quantity=quantity, by=world.hq, at=CUTOFF - HOUR)

    values = auto_values(world.community_a, DAY)

    assert (values["masks_on_hand"], values["suits_on_hand"]) == (40, 7)
    client.post(reverse("supplies:item_edit", args=[gown.pk]), item_form(gown, report_as="suits"))
    assert auto_values(world.community_a, DAY)["suits_on_hand"] == 12


def test_an_item_in_another_unit_cannot_be_counted_as_masks(world, item_form) -> None:
    spray = item("消毒液")
    response = world.client("hq").post(
        reverse("supplies:item_edit", args=[spray.pk]), item_form(spray, report_as="masks")
    )
    assert response.status_code == 400
    assert "日报中的口罩按“个”计数，基本单位为“公斤”的物资不能计入" in response.content.decode()
    spray.refresh_from_db()
    assert spray.report_as == ""


def test_community_staff_cannot_change_the_role(world, item_form) -> None:
    masks = item("医用口罩")
    response = world.client("staff_a").post(
        reverse("supplies:item_edit", args=[masks.pk]), item_form(masks, report_as="")
    )
    assert response.status_code in (403, 404)
    masks.refresh_from_db()
    assert masks.report_as == Item.ReportAs.MASKS


def test_the_role_migration_follows_the_names_and_reverses() -> None:
    migration = importlib.import_module("shouwang.supplies.migrations.0007_seed_report_as")
    masks, goggles = item("医用口罩"), item("护目镜")
    Item.objects.filter(pk=item("KN95口罩").pk).update(name="KN95防护口罩", report_as="")
    Item.objects.filter(pk=goggles.pk).update(report_as="masks")  # chosen by HQ: kept

    migration.unseed(apps, None)
    assert Item.objects.get(pk=masks.pk).report_as == ""
    assert Item.objects.get(name="防护服").report_as == ""
    assert Item.objects.get(pk=goggles.pk).report_as == "masks"

    migration.seed(apps, None)
    assert Item.objects.get(pk=masks.pk).report_as == "masks"
    assert Item.objects.get(name="防护服").report_as == "suits"
    assert Item.objects.get(name="KN95防护口罩").report_as == ""
