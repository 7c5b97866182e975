"""An issue (发放) names who got the stock — a person, a checkpoint or community, or an
enterprise — so the ledger says where it went; consumption and losses name nobody."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.supplies.models import Balance, Movement

from .factories import RECIPIENT, item, location, stock

pytestmark = pytest.mark.django_db

MISSING = "发放须填写领用单位/人"


def _post(world, store, **fields):
    data = {"kind": "issue", "item": item().pk, "quantity": "10", "unit": "", "note": ""}
    url = reverse("supplies:location_out", args=[store.pk])
    return world.client("staff_a").post(url, {**data, **fields})


@pytest.mark.parametrize("recipient", ["", "   "])
def test_it_refuses_an_issue_without_a_recipient(world, recipient) -> None:
    store = location(world.community_a, "西城社区库房")
    stock(store, 100)
    response = _post(world, store, recipient=recipient)
    assert response.status_code == 400
    assert MISSING in response.content.decode()
    assert MISSING in response.context["form"].errors["recipient"][0]
    assert not Movement.objects.filter(kind="issue").exists()
    assert Balance.objects.get(location=store).quantity == 100


def test_it_records_the_recipient_an_issue_names(world) -> None:
    store = location(world.community_a, "西城社区库房")
    stock(store, 100)
    assert _post(world, store, recipient=f" {RECIPIENT} ").status_code == 302
    assert Movement.objects.get(kind="issue").recipient == RECIPIENT
    assert Balance.objects.get(location=store).quantity == 90


@pytest.mark.parametrize("kind", ["consumption", "loss"])
def test_consumption_and_losses_need_no_recipient(world, kind) -> None:
    store = location(world.community_a, "西城社区库房")
    stock(store, 100)
    assert _post(world, store, kind=kind, recipient="").status_code == 302
    assert Balance.objects.get(location=store).quantity == 90
