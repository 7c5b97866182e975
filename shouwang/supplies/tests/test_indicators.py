from datetime import date, timedelta

import pytest

from shouwang.reports.days import window
from shouwang.reports.rollup import auto_values
from shouwang.supplies.actions.stock import receive_stock
from shouwang.supplies.models import MovementKind

from .factories import item, location, record_out

DAY = date(2020, 2, 13)
CUTOFF = window(DAY).end
HOUR = timedelta(hours=1)


@pytest.mark.django_db
def test_it_reports_masks_on_hand_at_the_cutoff_and_used_in_the_day(world):
    store_a = location(world.community_a)
    checkpoint_a = location(world.building_a, kind="checkpoint")
    store_b = location(world.community_b)
    masks, kn95, suits = item("医用口罩"), item("KN95口罩"), item("防护服")
    receive_stock(item=masks, location=store_a, quantity=1000, by=world.hq, at=CUTOFF - 30 * HOUR)
    receive_stock(item=kn95, location=checkpoint_a, quantity=200, by=world.hq, at=CUTOFF - 3 * HOUR)
    receive_stock(item=suits, location=store_a, quantity=7, by=world.hq, at=CUTOFF - 3 * HOUR)
    receive_stock(item=masks, location=store_b, quantity=50, by=world.hq, at=CUTOFF - 3 * HOUR)
    record_out(
        item=masks,
        location=store_a,
        quantity=300,
        kind=MovementKind.ISSUE,
        by=world.hq,
        at=CUTOFF - 2 * HOUR,
    )
    # after the cutoff: tomorrow's figures
    record_out(
        item=masks,
        location=store_a,
        quantity=100,
        kind=MovementKind.CONSUMPTION,
        by=world.hq,
        at=CUTOFF + HOUR,
    )

    a = auto_values(world.community_a, DAY)
    assert a["masks_on_hand"] == 1000 - 300 + 200
    assert a["masks_used"] == 300
    assert a["suits_on_hand"] == 7
    assert auto_values(world.community_b, DAY)["masks_on_hand"] == 50
    tomorrow = auto_values(world.community_a, DAY + timedelta(days=1))
    assert tomorrow["masks_on_hand"] == 800
    assert tomorrow["masks_used"] == 100
