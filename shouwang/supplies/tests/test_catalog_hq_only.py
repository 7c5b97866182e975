"""The item catalog (物资目录) and the purposes of cash gifts (资金用途) are one list for
the whole deployment, not per area: only HQ admins change them. Every other role is
refused (403) showing or sending the forms, and nothing changes; the catalog page
offers them no link to edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.supplies.models import Item, Purpose

from .factories import item

pytestmark = pytest.mark.django_db

OTHER_ROLES = ["leader", "auditor", "staff_a", "staff_b", "grid_a", "guard_a"]

NEW_ITEM = {
    "name": "折叠床",
    "category": "protection",
    "unit": "张",
    "alert_days": "5",
    "order": "0",
    "active": "on",
    "packs": "",
}


@pytest.mark.parametrize("persona", OTHER_ROLES)
def test_it_refuses_the_catalog_forms_to_other_roles(world, persona: str, item_form) -> None:
    masks = item("医用口罩")
    client = world.client(persona)
    items, purposes = Item.objects.count(), Purpose.objects.count()
    edit = reverse("supplies:item_edit", args=[masks.pk])
    for url in (reverse("supplies:item_create"), edit, reverse("supplies:purposes")):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(reverse("supplies:item_create"), NEW_ITEM).status_code in (403, 404)
    assert client.post(edit, item_form(masks, name="口罩（改）")).status_code in (403, 404)
    sent = {"name": "临时帐篷租赁", "order": "0"}
    assert client.post(reverse("supplies:purposes"), sent).status_code in (403, 404)
    assert (Item.objects.count(), Purpose.objects.count()) == (items, purposes)
    masks.refresh_from_db()
    assert masks.name == "医用口罩"


@pytest.mark.parametrize("persona", ["leader", "auditor", "staff_a"])
def test_the_catalog_page_offers_other_roles_no_edit(world, persona: str) -> None:
    masks = item("医用口罩")
    page = world.client(persona).get(reverse("supplies:items"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "医用口罩" in html
    assert reverse("supplies:item_create") not in html
    assert reverse("supplies:item_edit", args=[masks.pk]) not in html


def test_hq_changes_the_catalog_and_the_purposes(world, item_form) -> None:
    masks = item("医用口罩")
    client = world.client("hq")
    assert client.post(reverse("supplies:item_create"), NEW_ITEM).status_code == 302
    assert Item.objects.filter(name="折叠床").exists()
    edit = reverse("supplies:item_edit", args=[masks.pk])
    assert client.post(edit, item_form(masks, alert_days="7")).status_code == 302
    masks.refresh_from_db()
    assert masks.alert_days == 7
    sent = {"name": "临时帐篷租赁", "order": "0"}
    assert client.post(reverse("supplies:purposes"), sent).status_code == 302
    assert Purpose.objects.filter(name="临时帐篷租赁").exists()
