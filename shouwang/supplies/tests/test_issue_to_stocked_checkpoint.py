"""An issue (发放) to a checkpoint typed by name is use at the store and leaves the
checkpoint's own stock untouched. Issuing by name stays allowed, but when the name is
that of a checkpoint with its own stock location the user could transfer to, the page
says to use 调拨 instead."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.checkpoints.tests.factories import make_checkpoint
from shouwang.supplies.models import Balance, Location, Movement, MovementKind

from .factories import item, location, stock

pytestmark = pytest.mark.django_db
HINT = "请改用“调拨”"


def issue(world, store, recipient):
    return world.client("staff_a").post(
        reverse("supplies:location_out", args=[store.pk]),
        {"kind": "issue", "item": item().pk, "quantity": "50", "recipient": recipient},
        follow=True,
    )


@pytest.mark.parametrize("typed", ["西城花园东门", " 西城花园东门 "])
def test_it_points_to_transfer_when_the_checkpoint_keeps_stock(world, typed) -> None:
    store = location(world.community_a)
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    post = Location.objects.create(
        name="西城花园东门", kind="checkpoint", area=world.compound_a, checkpoint=gate
    )
    stock(store, 300)
    page = issue(world, store, typed).content.decode()
    assert "已登记出库" in page
    assert HINT in page
    assert "有自己的存放点（西城花园东门）" in page
    # Issued, as typed: use at the store, nothing at the checkpoint.
    assert Movement.objects.filter(kind=MovementKind.ISSUE, location=store).count() == 1
    assert not Balance.objects.filter(location=post).exists()


def test_it_matches_the_checkpoint_by_its_own_name(world) -> None:
    store = location(world.community_a)
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    Location.objects.create(
        name="东门物资点", kind="checkpoint", area=world.compound_a, checkpoint=gate
    )
    stock(store, 300)
    assert HINT in issue(world, store, "西城花园东门").content.decode()


def test_no_hint_for_a_person_or_a_checkpoint_without_stock(world) -> None:
    store = location(world.community_a)
    make_checkpoint(world.compound_a, "西城花园东门")  # no location of its own
    stock(store, 300)
    for recipient in ("张三", "西城花园东门"):
        page = issue(world, store, recipient).content.decode()
        assert "已登记出库" in page
        assert HINT not in page


def test_no_hint_for_another_communitys_checkpoint(world) -> None:
    store = location(world.community_a)
    road = make_checkpoint(world.community_b, "中州大道卡口")
    Location.objects.create(
        name="中州大道卡口", kind="checkpoint", area=world.community_b, checkpoint=road
    )
    stock(store, 300)
    page = issue(world, store, "中州大道卡口").content.decode()
    assert "已登记出库" in page
    assert HINT not in page
