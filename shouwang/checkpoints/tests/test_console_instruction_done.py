"""A row's instruction to staff (重点区域通行从严，请值守人员测温登记) is shown on the
post's console only while it is still to be done: not once the temperature is taken,
nor on a row turned back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .factories import make_checkin, make_person

pytestmark = pytest.mark.django_db

STRICT = "重点区域通行从严，请值守人员测温登记"
TO_DO = "请值守人员测温登记"


def console(world, gate) -> str:
    return world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))


def strict_passage(world, gate, **fields):
    return make_checkin(
        gate, person=make_person(world.building_a), result="y", note=STRICT, **fields
    )


def test_it_asks_for_a_reading_until_one_is_taken(world, gate) -> None:
    row = strict_passage(world, gate)
    assert TO_DO in console(world, gate).content.decode()
    response = world.client("guard_a").post(
        reverse("checkpoints:checkin_measure", args=[row.pk]), {"temperature": "36.5"}
    )
    assert response.status_code == 302
    after = world.client("guard_a").get(response["Location"]).content.decode()
    assert TO_DO not in after
    assert "重点区域通行从严" in after


def test_a_declared_self_scan_still_asks_for_a_reading(world, gate) -> None:
    strict_passage(world, gate, source="self", status="declared")
    assert TO_DO in console(world, gate).content.decode()


def test_a_row_turned_back_does_not_ask_for_a_reading(world, gate) -> None:
    row = strict_passage(world, gate)
    response = world.client("guard_a").post(
        reverse("checkpoints:checkin_turn_back", args=[row.pk]), {"reason": "拒不配合测温"}
    )
    assert response.status_code == 302
    after = world.client("guard_a").get(response["Location"]).content.decode()
    assert TO_DO not in after
    assert "劝返：拒不配合测温" in after
