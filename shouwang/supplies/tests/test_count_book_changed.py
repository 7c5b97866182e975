"""A count (盘点) compares what was counted with the book figure the counter was shown.
Stock issued while the count was being typed must not come back as a count
adjustment: the count is refused, and the page shown again carries the new book."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from shouwang.supplies.models import Balance, Movement

from .factories import item, location, record_out, stock

pytestmark = pytest.mark.django_db


def _hidden_book(page: str) -> str:
    return re.search(r'name="book" value="([^"]*)"', page).group(1)


def test_a_count_made_against_a_book_that_changed_since_is_refused(world) -> None:
    store = location(world.community_a)
    masks = item()
    stock(store, 100)
    client = world.client("staff_a")
    url = reverse("supplies:location_count", args=[store.pk])
    shown = _hidden_book(client.get(url).content.decode())
    # Someone issues 20 while the count is being typed.
    record_out(item=masks, location=store, quantity=20, kind="issue", by=world.staff_b)

    response = client.post(url, {f"n{masks.pk}": "100", "reason": "清点", "book": shown})

    assert response.status_code == 400
    page = response.content.decode()
    assert "账面数已由100个变为80个" in page
    assert Balance.objects.get(location=store).quantity == 80
    assert not Movement.objects.filter(kind="adjustment").exists()
    # The page shown again carries the new book: counting again goes through.
    again = client.post(
        url, {f"n{masks.pk}": "78", "reason": "破损2个", "book": _hidden_book(page)}
    )
    assert again.status_code == 302
    assert Balance.objects.get(location=store).quantity == 78


def test_a_count_of_an_unchanged_book_goes_through(world) -> None:
    store = location(world.community_a)
    masks = item()
    stock(store, 100)
    client = world.client("staff_a")
    url = reverse("supplies:location_count", args=[store.pk])
    shown = _hidden_book(client.get(url).content.decode())
    response = client.post(url, {f"n{masks.pk}": "96", "reason": "破损4个", "book": shown})
    assert response.status_code == 302
    assert Balance.objects.get(location=store).quantity == 96


def test_a_count_from_a_page_without_the_book_field_is_not_compared(world) -> None:
    # A page opened before the field existed carries no book: the count goes through.
    store = location(world.community_a)
    masks = item()
    stock(store, 100)
    client = world.client("staff_a")
    url = reverse("supplies:location_count", args=[store.pk])
    record_out(item=masks, location=store, quantity=20, kind="issue", by=world.staff_b)
    response = client.post(url, {f"n{masks.pk}": "78", "reason": "破损2个"})
    assert response.status_code == 302
    assert Balance.objects.get(location=store).quantity == 78


@pytest.mark.parametrize(
    "book",
    [
        "garbage:::,x",
        "",
        "{pk}:100,{pk}:80",
        "{pk}:-100",
        "{pk}",
        "{pk}:+100",
        "{pk}: 100",
        "{pk}:1_00",
        "{pk}:１００",
    ],
)
def test_a_count_with_a_damaged_book_field_is_refused(world, book) -> None:
    # A present but damaged field must not skip the moved-stock check: here the book
    # moved from 100 to 80 meanwhile, and taking the count would write back 20.
    store = location(world.community_a)
    masks = item()
    stock(store, 100)
    client = world.client("staff_a")
    url = reverse("supplies:location_count", args=[store.pk])
    record_out(item=masks, location=store, quantity=20, kind="issue", by=world.staff_b)

    response = client.post(
        url, {f"n{masks.pk}": "100", "reason": "清点", "book": book.format(pk=masks.pk)}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "页面中的账面数据已损坏" in page
    assert Balance.objects.get(location=store).quantity == 80
    assert not Movement.objects.filter(kind="adjustment").exists()
    # The page shown again carries the book as it is now: counting again goes through.
    again = client.post(
        url, {f"n{masks.pk}": "78", "reason": "破损2个", "book": _hidden_book(page)}
    )
    assert again.status_code == 302
    assert Balance.objects.get(location=store).quantity == 78
