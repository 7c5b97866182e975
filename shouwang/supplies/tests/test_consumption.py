"""Daily use has one definition everywhere: what a place issued, consumed or lost in
the last seven days. A transfer moves stock and uses nothing, at either end, so the
warehouse that supplies the checkpoints is not shown as using what it sent them —
on its location page, on the overview, in the low-stock list and on the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.supplies import actions

from .factories import item, location, record_out, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(world):
    """The warehouse sends 1,400 masks to a checkpoint and issues 70 to a shop; the
    checkpoint consumes 140 — all in the last week."""
    warehouse = location(world.subdistrict, "明湖街道仓库")
    gate = location(world.compound_a, "西城花园卡点", "checkpoint", staff=10)
    masks = item()
    stock(warehouse, 2000, masks)
    week = timezone.now() - timedelta(days=3)
    actions.transfer(
        item=masks, source=warehouse, destination=gate, quantity=1400, at=week, by=world.hq
    )
    record_out(item=masks, location=warehouse, quantity=70, kind="issue", at=week, by=world.hq)
    record_out(
        item=masks, location=gate, quantity=140, kind="consumption", at=week, by=world.staff_a
    )
    return warehouse, gate, masks


def figures_on(client, place) -> list[tuple[int, str, str | None]]:
    response = client.get(reverse("supplies:location", args=[place.pk]))
    assert response.status_code == 200
    return [
        (f.quantity, str(f.daily_use), None if f.days is None else str(f.days))
        for f in response.context["stock"]
    ]


def test_a_location_counts_what_it_used_not_what_it_sent_on(world, ledger) -> None:
    warehouse, gate, _ = ledger
    client = world.client("hq")
    # 70 issued in 7 days: 10 a day, 530 on hand last 53 days (not 1,470 out → 2.5 days).
    assert figures_on(client, warehouse) == [(530, "10.0", "53.0")]
    assert figures_on(client, gate) == [(1260, "20.0", "63.0")]
    page = client.get(reverse("supplies:location", args=[warehouse.pk])).content.decode()
    assert "低于" not in page


def test_the_overview_and_the_location_pages_agree(world, ledger) -> None:
    client = world.client("hq")
    overview = client.get(reverse("supplies:overview")).context
    (total,) = overview["totals"]
    assert (total.quantity, total.used, str(total.daily_use)) == (1790, 210, "30.0")
    by_place = {
        place: [(f.quantity, f.used) for f in rows] for place, rows in overview["by_place"].items()
    }
    assert by_place == {world.subdistrict: [(530, 70)], world.community_a: [(1260, 140)]}


def test_the_warehouse_is_not_listed_low_for_what_it_transferred(world, ledger) -> None:
    response = world.client("hq").get(reverse("supplies:low_stock"), {"days": "60"})
    assert response.status_code == 200
    assert [(f.place.name, str(f.days)) for f in response.context["rows"]] == [
        ("明湖街道仓库", "53.0")
    ]
    response = world.client("hq").get(reverse("supplies:low_stock"))
    assert response.context["rows"] == []


def test_the_dashboard_counts_use_as_the_location_page_does(world, ledger) -> None:
    warehouse, gate, masks = ledger
    panel = world.client("hq").get(reverse("dashboard:index")).context["supplies"]
    (figure,) = panel.items
    assert (figure.item, figure.quantity, str(figure.daily_use), str(figure.days)) == (
        masks,
        1790,
        "30.0",
        "59.7",
    )
