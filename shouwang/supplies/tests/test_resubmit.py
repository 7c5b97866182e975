"""A supplies form sent again with the id it was shown with (the browser's back button,
then 保存 again; a double click) stores nothing new: the answer leads to the row already
recorded and says so in Chinese. Every form that creates rows carries that id."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import AuditEvent
from shouwang.supplies import actions
from shouwang.supplies.models import (
    AllocationPlan,
    Donation,
    Movement,
    Purpose,
    Spending,
    StockCount,
)

from .factories import goods_form, item, location, plan_form, stock

pytestmark = pytest.mark.django_db


def twice(client, url: str, data: dict):
    """Send ``data`` as the page's form would (with the id the page was shown with),
    then once more; return both answers, the second followed to its page."""
    page = client.get(url).content.decode()
    (client_id,) = re.findall(r'name="client_id" value="([0-9a-f]{32})"', page)
    data = {**data, "client_id": client_id}
    first = client.post(url, data, follow=True)
    again = client.post(url, data, follow=True)
    return first, again


def notice(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_forms_keep_their_id_through_the_back_button(world) -> None:
    page = world.client("hq").get(reverse("supplies:donation_create")).content.decode()
    assert re.search(
        r'<input type="hidden" name="client_id" value="[0-9a-f]{32}" data-keep-id', page
    )


def test_a_donation_sent_again_shows_the_one_recorded(world) -> None:
    data = {
        "donor_kind": "person",
        "donor_name": "李顺喜",
        "disclosure": "named",
        "kind": "cash",
        "amount": "500",
        "channel": "cash",
        "received": "on",
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    }
    first, again = twice(world.client("hq"), reverse("supplies:donation_create"), data)
    gift = Donation.objects.get()
    assert first.redirect_chain[-1][0] == again.redirect_chain[-1][0]
    assert again.redirect_chain[-1][0] == reverse("supplies:donation", args=[gift.pk])
    assert notice(first) == ["已登记捐赠：李顺喜"]
    assert notice(again) == ["这份捐赠已登记过（李顺喜），本次重复提交，未重复保存"]
    assert gift.receipt_no in again.content.decode()


def test_goods_sent_again_enter_stock_once(world) -> None:
    store = location(world.subdistrict, "仓库")
    data = goods_form(store, {"item": item().pk, "quantity": "2000"})
    _, again = twice(world.client("hq"), reverse("supplies:donation_create"), data)
    assert "本次重复提交，未重复保存" in notice(again)[0]
    assert Donation.objects.count() == 1
    assert Movement.objects.filter(location=store).total() == 2000


def test_a_spending_sent_again_is_recorded_once(world) -> None:
    actions.record_donation(
        area=world.subdistrict,
        donor_kind="person",
        donor_name="李顺喜",
        kind="cash",
        amount=Decimal("1000"),
        channel="bank",
        received=True,
        by=world.hq,
    )
    purpose, _ = Purpose.objects.get_or_create(name="购买防疫物资")
    data = {"purpose": purpose.pk, "amount": "300", "description": "购买口罩"}
    _, again = twice(world.client("hq"), reverse("supplies:spending_create"), data)
    assert notice(again) == ["这笔支出已登记过（300.00元），本次重复提交，未重复保存"]
    assert Spending.objects.count() == 1


def test_a_purchase_sent_again_enters_stock_once(world) -> None:
    store = location(world.subdistrict, "仓库")
    data = {"location": store.pk, "item": item().pk, "quantity": "3", "unit": "箱"}
    first, again = twice(world.client("hq"), reverse("supplies:purchase"), data)
    assert again.redirect_chain[-1][0] == reverse("supplies:location", args=[store.pk])
    assert notice(first) == ["已入库 仓库 6,000个（3箱）"]
    assert notice(again) == ["这次入库已登记过（仓库 6,000个（3箱）），本次重复提交，未重复保存"]
    assert Movement.objects.get().quantity == 6000


def test_an_issue_sent_again_leaves_stock_once(world) -> None:
    store = location(world.community_a)
    stock(store, 30)
    data = {"kind": "issue", "item": item().pk, "quantity": "10", "recipient": "西城花园卡点"}
    url = reverse("supplies:location_out", args=[store.pk])
    _, again = twice(world.client("staff_a"), url, data)
    assert notice(again) == ["这次出库已登记过（10个（1包）），本次重复提交，未重复保存"]
    assert Movement.objects.filter(kind="issue").count() == 1
    assert Movement.objects.filter(location=store).total() == 20


def test_a_transfer_sent_again_moves_stock_once(world) -> None:
    store, gate = location(world.community_a, "西城库房"), location(world.community_a, "卡口")
    stock(store, 30)
    data = {"destination": gate.pk, "item": item().pk, "quantity": "10"}
    url = reverse("supplies:location_transfer", args=[store.pk])
    _, again = twice(world.client("staff_a"), url, data)
    assert notice(again) == ["这次调拨已登记过（10个（1包） 到 卡口），本次重复提交，未重复保存"]
    assert Movement.objects.filter(location=gate).total() == 10


def test_a_transfer_with_the_longest_id_a_form_takes_moves_stock_once(world) -> None:
    """The id may be as long as the field allows (64): the transfer-in row must not
    need a longer one (PostgreSQL refuses a value too long for its column)."""
    store, gate = location(world.community_a, "西城库房"), location(world.community_a, "卡口")
    stock(store, 30)
    url = reverse("supplies:location_transfer", args=[store.pk])
    data = {"destination": gate.pk, "item": item().pk, "quantity": "10", "client_id": "a" * 64}
    client = world.client("staff_a")
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Movement.objects.filter(location=gate).total() == 10
    assert Movement.objects.filter(location=store).total() == 20


def test_a_count_sent_again_is_recorded_once(world) -> None:
    store = location(world.community_a)
    masks = item()
    stock(store, 30, masks)
    data = {f"n{masks.pk}": "28", "reason": "破损"}
    url = reverse("supplies:location_count", args=[store.pk])
    _, again = twice(world.client("staff_a"), url, data)
    assert notice(again) == ["这次盘点已登记过，本次重复提交，未重复保存"]
    assert StockCount.objects.count() == 1
    assert Movement.objects.filter(location=store).total() == 28


def test_a_plan_sent_again_is_made_once(world) -> None:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    location(world.compound_a, "西城花园卡点", "checkpoint", staff=8)
    data = plan_form(warehouse)
    _, again = twice(world.client("hq"), reverse("supplies:plan_create"), data)
    plan = AllocationPlan.objects.get()
    assert again.redirect_chain[-1][0] == reverse("supplies:plan", args=[plan.pk])
    assert notice(again) == ["这个方案已生成过（卡点口罩），本次重复提交，未重复保存"]


def test_confirming_a_received_gift_again_leads_to_it_and_writes_nothing(world) -> None:
    """确认到账 clicked twice (a double click, a retry): the second answer leads to the
    donation, says it was confirmed already, and writes nothing."""
    client = world.client("hq")
    warehouse = location(world.subdistrict, "明湖街道仓库")
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="organisation",
        donor_name="河南宝山高科有限责任公司",
        kind="goods",
        lines=[actions.donations.GoodsLine(item(), 2500, Decimal("5000"))],
        by=world.hq,
    )
    url = reverse("supplies:donation_receive", args=[gift.pk])
    first = client.post(url, {"location": warehouse.pk}, follow=True)
    assert notice(first) == ["已确认到账/入库，可打印收据"]
    gift.refresh_from_db()
    audits = AuditEvent.objects.count()

    again = client.post(url, {"location": warehouse.pk}, follow=True)
    assert again.status_code == 200
    assert again.redirect_chain == [(reverse("supplies:donation", args=[gift.pk]), 302)]
    at = timezone.localtime(gift.received_at)
    assert notice(again) == [
        f"这笔捐赠已于{at:%Y-%m-%d %H:%M}确认到账（收据 {gift.receipt_no}），"
        "本次重复提交，未重复确认"
    ]
    assert Movement.objects.filter(location=warehouse).total() == 2500
    assert Movement.objects.count() == 1
    assert AuditEvent.objects.count() == audits
    assert Donation.objects.get().received_at == gift.received_at


def test_a_cancelled_pledge_is_still_refused_on_receipt(world) -> None:
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="person",
        donor_name="李顺喜",
        kind="cash",
        amount=Decimal("500"),
        by=world.hq,
    )
    actions.cancel_donation(donation=gift, reason="捐赠方撤回", by=world.hq)
    response = world.client("hq").post(
        reverse("supplies:donation_receive", args=[gift.pk]), {"channel": "cash"}
    )
    assert response.status_code == 400
    assert "该捐赠当前状态为“已取消”，不能确认到账" in response.content.decode()
    assert Donation.objects.get().status == Donation.Status.CANCELLED


def test_cancelling_a_pledge_again_leads_to_it_and_writes_nothing(world) -> None:
    client = world.client("hq")
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="person",
        donor_name="李顺喜",
        kind="cash",
        amount=Decimal("500"),
        by=world.hq,
    )
    url = reverse("supplies:donation_cancel", args=[gift.pk])
    first = client.post(url, {"reason": "捐赠方撤回"}, follow=True)
    assert notice(first) == ["已取消该承诺捐赠"]
    audits = AuditEvent.objects.count()
    again = client.post(url, {"reason": "捐赠方撤回"}, follow=True)
    assert again.redirect_chain == [(reverse("supplies:donation", args=[gift.pk]), 302)]
    assert notice(again) == ["这笔承诺捐赠已取消过，本次重复提交，未重复取消"]
    assert Donation.objects.get().notes == "取消：捐赠方撤回"
    assert AuditEvent.objects.count() == audits


def test_a_received_gift_is_not_cancelled(world) -> None:
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="person",
        donor_name="李顺喜",
        kind="cash",
        amount=Decimal("500"),
        channel="cash",
        received=True,
        by=world.hq,
    )
    response = world.client("hq").post(
        reverse("supplies:donation_cancel", args=[gift.pk]), {"reason": "误登记"}
    )
    assert response.status_code == 400
    assert "该捐赠已到账/入库，不能取消" in response.content.decode()
    assert Donation.objects.get().status == Donation.Status.RECEIVED


def test_issuing_a_plan_again_leads_to_it_and_moves_nothing(world) -> None:
    """一次发放 clicked twice: the second answer leads to the plan, says when it was
    issued, and moves nothing."""
    client = world.client("hq")
    warehouse = location(world.subdistrict, "明湖街道仓库")
    location(world.compound_a, "西城花园卡点", "checkpoint", staff=8)
    stock(warehouse, 1000)
    plan, _ = actions.create_plan(
        area=world.subdistrict,
        title="卡点口罩",
        item=item(),
        source=warehouse,
        target="checkpoint",
        by=world.hq,
    )
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    url = reverse("supplies:plan_issue", args=[plan.pk])
    first = client.post(url, follow=True)
    assert notice(first)[-1] == "已一次发放到 1 个对象"
    audits = AuditEvent.objects.count()
    again = client.post(url, follow=True)
    assert again.redirect_chain == [(reverse("supplies:plan", args=[plan.pk]), 302)]
    at = timezone.localtime(AllocationPlan.objects.get().issued_at)
    assert notice(again) == [f"该方案已于{at:%Y-%m-%d %H:%M}发放，本次重复提交，未重复发放"]
    assert Movement.objects.filter(location=warehouse).total() == 1000 - 168
    assert Movement.objects.filter(plan=plan).count() == 2
    assert AuditEvent.objects.count() == audits
