"""A count's book (the figures the counter was shown, carried by the page) must hold
every item counted: a book that leaves one out is damaged, refused at 400 with
nothing written, never taken as if the page had carried no book for that item (the
moved-stock check would be skipped and stock issued meanwhile written back)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.supplies.models import Balance, Movement, StockCount

from .factories import item, location, record_out, stock

pytestmark = pytest.mark.django_db


def test_a_book_leaving_out_a_counted_item_is_refused(world) -> None:
    store = location(world.community_a)
    masks, suits = item(), item("防护服")
    stock(store, 100, masks)
    stock(store, 10, suits)
    client = world.client("staff_a")
    url = reverse("supplies:location_count", args=[store.pk])
    # Issued while the count was typed: 100 → 80.
    record_out(item=masks, location=store, quantity=20, kind="issue", by=world.staff_b)

    response = client.post(
        url,
        {f"n{masks.pk}": "100", f"n{suits.pk}": "10", "reason": "清点", "book": f"{suits.pk}:10"},
    )

    assert response.status_code == 400
    assert "页面中的账面数据已损坏" in response.content.decode()
    assert Balance.objects.get(location=store, item=masks).quantity == 80
    assert not StockCount.objects.exists()
    assert not Movement.objects.filter(kind="adjustment").exists()


def test_a_book_holding_every_counted_item_is_taken(world) -> None:
    store = location(world.community_a)
    masks, suits = item(), item("防护服")
    stock(store, 100, masks)
    stock(store, 10, suits)
    url = reverse("supplies:location_count", args=[store.pk])
    # The book may hold items not counted (only what was counted is typed).
    response = world.client("staff_a").post(
        url, {f"n{masks.pk}": "98", "reason": "破损2个", "book": f"{masks.pk}:100,{suits.pk}:10"}
    )
    assert response.status_code == 302
    assert Balance.objects.get(location=store, item=masks).quantity == 98
