"""A plan's targets that can no longer receive supplies — a checkpoint or store
closed, an enterprise deactivated (closed, moved away) or moved out of the plan's
area — are named on the plan page before anyone presses 一键发放, and the issue
refuses them; the 发放 form neither offers nor accepts a deactivated enterprise."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.areas.tests.factories import AreaFactory, child
from shouwang.supplies import actions
from shouwang.supplies.models import AllocationPlan, Balance, Movement, Recipient

from .factories import item, location, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse(world):
    where = location(world.subdistrict, "明湖街道仓库")
    stock(where, 10_000)
    return where


def _plan(client, warehouse, target: str) -> AllocationPlan:
    response = client.post(
        reverse("supplies:plan_create"),
        {
            "title": "口罩",
            "item": item().pk,
            "source": warehouse.pk,
            "target": target,
            "per_person": "1",
            "shifts_per_day": "1",
            "days": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = AllocationPlan.objects.latest("pk")
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    return plan


def _page(client, plan) -> str:
    return client.get(reverse("supplies:plan", args=[plan.pk])).content.decode()


def test_it_names_a_closed_checkpoint_on_the_plan_page_before_issue(world, warehouse) -> None:
    shut = location(world.compound_a, "西城花园东门", "checkpoint", staff=4)
    location(world.compound_b, "八一新苑卡点", "checkpoint", staff=3)
    client = world.client("hq")
    plan = _plan(client, warehouse, "checkpoint")
    assert "不能发放" not in _page(client, plan)

    shut.active = False
    actions.save_location(location=shut, by=world.hq)
    page = _page(client, plan)
    assert "西城花园东门已停用，不能发放" in page
    assert "人数改为0" in page
    assert "西城花园东门（已停用）" in page


def test_it_names_a_checkpoint_moved_out_of_the_plan_area_before_issue(world, warehouse) -> None:
    moved = location(world.compound_a, "西城花园东门", "checkpoint", staff=4)
    client = world.client("hq")
    plan = _plan(client, warehouse, "checkpoint")
    elsewhere = child(AreaFactory(name="他区", kind="district"), "南湖街道")
    moved.area = elsewhere
    moved.save(update_fields=["area"])
    page = _page(client, plan)
    assert "西城花园东门已不在明湖街道辖区内" in page


def test_it_names_a_deactivated_enterprise_before_issue(world, warehouse) -> None:
    firm = Recipient.objects.create(area=world.community_a, name="某食品厂", employees=10)
    Recipient.objects.create(area=world.community_b, name="某超市", employees=5)
    client = world.client("hq")
    plan = _plan(client, warehouse, "recipient")
    firm.active = False
    actions.save_recipient(recipient=firm, by=world.hq)
    page = _page(client, plan)
    assert "某食品厂已停用，不能发放" in page
    assert "某食品厂（已停用）" in page


def test_it_refuses_an_enterprise_moved_out_of_the_plan_area(world, warehouse) -> None:
    firm = Recipient.objects.create(area=world.community_a, name="某食品厂", employees=10)
    client = world.client("hq")
    plan = _plan(client, warehouse, "recipient")
    elsewhere = child(AreaFactory(name="他区", kind="district"), "南湖街道")
    Recipient.objects.filter(pk=firm.pk).update(area=elsewhere)

    assert "某食品厂已不在明湖街道辖区内" in _page(client, plan)
    response = client.post(reverse("supplies:plan_issue", args=[plan.pk]))
    assert response.status_code == 400
    assert "某食品厂已不在明湖街道辖区内" in response.content.decode()
    assert not Movement.objects.filter(plan=plan).exists()
    assert Balance.objects.get(location=warehouse).quantity == 10_000
    plan.refresh_from_db()
    assert plan.status == "reviewed"


def test_the_out_form_refuses_a_deactivated_enterprise(world) -> None:
    store = location(world.community_a, "西城社区库房")
    stock(store, 100)
    Recipient.objects.create(area=world.community_a, name="某食品厂", employees=10, active=False)
    Recipient.objects.create(area=world.community_a, name="某超市", employees=5)
    client = world.client("staff_a")
    url = reverse("supplies:location_out", args=[store.pk])

    form = client.get(url).content.decode()
    assert "某超市" in form
    assert "某食品厂" not in form

    data = {"kind": "issue", "item": item().pk, "quantity": "10", "unit": "", "note": ""}
    response = client.post(url, {**data, "recipient": " 某食品厂 "})
    assert response.status_code == 400
    assert "某食品厂已停用，不能向其发放物资" in response.content.decode()
    assert Balance.objects.get(location=store).quantity == 100

    assert client.post(url, {**data, "recipient": "某超市"}).status_code == 302
    assert Balance.objects.get(location=store).quantity == 90
