"""A name already taken (an item, a purpose; a location or a recipient in the same
area; a checkpoint's one location) is refused in plain Chinese, not in Django's
generated "具有 名称 的 物资品类 已存在。", a 400, and nothing is saved — also when
someone else took it at the same moment, past the duplicate checks (never a 500; see
``shouwang.core.tests.races``)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import pytest
from django.db import models
from django.urls import reverse

from shouwang.checkpoints.models import Checkpoint
from shouwang.checkpoints.tests.factories import make_checkpoint
from shouwang.core.tests.races import rival_after_checks, stale_first_call
from shouwang.supplies.models import Item, Location, Purpose, Recipient
from shouwang.supplies.views import stock as stock_views

from .factories import item, location

pytestmark = pytest.mark.django_db

at_once = pytest.mark.parametrize("race", [False, True], ids=["before", "same_moment"])


def taken(model: type[models.Model], race: bool) -> AbstractContextManager[None]:
    """The rival row is in the database; in a race the request's checks miss it."""
    return rival_after_checks(model) if race else nullcontext()


def refused(response, message: str) -> None:
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "已存在" not in html


@at_once
def test_an_item_name_taken(world, race: bool) -> None:
    item("医用口罩")
    before = Item.objects.count()
    with taken(Item, race):
        response = world.client("hq").post(
            reverse("supplies:item_create"),
            {
                "name": "医用口罩",
                "category": "protection",
                "unit": "个",
                "alert_days": "5",
                "order": "0",
            },
        )
    refused(response, "已有同名的物资，请换一个名称")
    assert Item.objects.count() == before


@at_once
def test_a_purpose_name_taken(world, race: bool) -> None:
    Purpose.objects.get_or_create(name="慰问一线人员")
    before = Purpose.objects.count()
    with taken(Purpose, race):
        response = world.client("hq").post(
            reverse("supplies:purposes"), {"name": "慰问一线人员", "order": "0"}
        )
    refused(response, "已有同名的资金用途，请换一个名称")
    assert Purpose.objects.count() == before


@at_once
def test_a_location_name_taken_in_its_area(world, race: bool) -> None:
    location(world.community_a, "西城社区库房")
    with taken(Location, race):
        response = world.client("hq").post(
            reverse("supplies:location_create"),
            {"kind": "community", "name": "西城社区库房", "area": world.community_a.pk},
        )
    refused(response, "所属辖区已有同名的存放点，请换一个名称")
    assert Location.objects.count() == 1


@at_once
def test_a_recipient_name_taken_in_its_area(world, race: bool) -> None:
    Recipient.objects.create(name="西城超市", area=world.community_a, employees=3)
    with taken(Recipient, race):
        response = world.client("hq").post(
            reverse("supplies:recipient_create"),
            {"name": "西城超市", "area": world.community_a.pk, "employees": "5"},
        )
    refused(response, "所属辖区已有同名的领用单位，请换一个名称")
    assert Recipient.objects.count() == 1


def test_a_checkpoint_given_a_location_at_the_same_moment(world) -> None:
    """The form offered the checkpoint (it had no location when the page was built)."""
    gate = make_checkpoint(world.compound_b, "八一新苑东门")
    Location.objects.create(
        kind=Location.Kind.CHECKPOINT, checkpoint=gate, area=gate.area, name="东门物资点"
    )
    offered = stale_first_call(
        stock_views, "_checkpoints_for_location", lambda request, place: Checkpoint.objects.all()
    )
    with rival_after_checks(Location), offered:
        response = world.client("hq").post(
            reverse("supplies:location_create"),
            {"kind": "checkpoint", "name": "再来", "area": "", "checkpoint": gate.pk},
        )
    refused(response, "卡点“八一新苑东门”已有存放点，请刷新页面后另选")
    assert Location.objects.count() == 1


def test_locations_of_two_areas_with_one_name_say_their_area_in_every_select(world) -> None:
    # Two communities may each have a 中州大道卡口: a select listing both names alone
    # leaves HQ guessing which one a purchase, a gift or a transfer goes to.
    a = location(world.compound_a, "中州大道卡口", kind=Location.Kind.CHECKPOINT)
    b = location(world.compound_b, "中州大道卡口", kind=Location.Kind.CHECKPOINT)
    warehouse = location(world.subdistrict, "明湖街道仓库")
    client = world.client("hq")
    for url in [
        reverse("supplies:purchase"),
        reverse("supplies:donation_create"),
        reverse("supplies:location_transfer", args=[warehouse.pk]),
        reverse("supplies:ledger"),
        reverse("supplies:plan_create"),
    ]:
        html = client.get(url).content.decode()
        assert f'<option value="{a.pk}">中州大道卡口（西城花园）</option>' in html, url
        assert f'<option value="{b.pk}">中州大道卡口（八一新苑）</option>' in html, url
    # A name no other location has is shown alone.
    html = client.get(reverse("supplies:purchase")).content.decode()
    assert f'<option value="{warehouse.pk}">明湖街道仓库</option>' in html
