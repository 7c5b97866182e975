"""A 街道仓库 lies in a sub-district (or a district above it): the stores below return
stock to the warehouse of their sub-district, so one placed in a community or a
compound would be a warehouse nobody can return stock to. The location form refuses
it in plain words and saves nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.supplies.models import Location

from .factories import location

pytestmark = pytest.mark.django_db


def _form(area, kind: str = "warehouse", name: str = "新仓库") -> dict:
    return {"kind": kind, "name": name, "area": area.pk, "active": "on"}


@pytest.mark.parametrize("where", ["community_a", "compound_a"])
def test_a_warehouse_below_the_sub_district_is_refused(world, where: str) -> None:
    response = world.client("hq").post(
        reverse("supplies:location_create"), _form(getattr(world, where))
    )
    assert response.status_code == 400
    assert "街道仓库应设在街道/乡镇（或区县）一级" in response.content.decode()
    assert not Location.objects.filter(name="新仓库").exists()


def test_a_store_cannot_become_a_warehouse_in_its_community(world) -> None:
    store = location(world.community_a, "中心库房")
    response = world.client("hq").post(
        reverse("supplies:location_edit", args=[store.pk]),
        _form(world.community_a, name="中心库房"),
    )
    assert response.status_code == 400
    store.refresh_from_db()
    assert store.kind == Location.Kind.COMMUNITY


def test_a_warehouse_in_the_sub_district_is_saved(world) -> None:
    response = world.client("hq").post(
        reverse("supplies:location_create"), _form(world.subdistrict)
    )
    assert response.status_code == 302
    assert Location.objects.get(name="新仓库").area == world.subdistrict
