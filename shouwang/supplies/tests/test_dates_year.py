"""The stock ledger names a movement of last winter with its year ("11-23 10:00" would
be this year's); this year's movements keep the short form."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.supplies.actions import receive_stock
from shouwang.supplies.models import Movement

from .factories import item, location

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["ledger", "location"])
def test_last_year_s_movement_carries_its_year(world, page) -> None:
    today = timezone.localdate()
    store = location(world.subdistrict)
    old, _ = receive_stock(item=item(), location=store, quantity=100, by=world.hq)
    then = timezone.make_aware(datetime.combine(date(today.year - 1, 11, 23), time(10, 5)))
    Movement.objects.filter(pk=old.pk).update(occurred_at=then)
    receive_stock(item=item(), location=store, quantity=50, by=world.hq)
    now = timezone.localtime()
    url = reverse(f"supplies:{page}", args=[store.pk] if page == "location" else [])
    text = world.client("hq").get(url).content.decode()
    assert f"<td>{today.year - 1}年11月23日 10:05</td>" in text
    assert f"<td>{now.month}月{now.day}日 {now:%H:%M}</td>" in text
