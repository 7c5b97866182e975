"""Recording and receiving donations through the pages: a payment reference used by
another gift, a pledge received later with its channel, goods worth more than the
books can hold, dates in the future."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.supplies.models import Donation, Movement, Purpose, Spending

from .factories import goods_form, item, location

pytestmark = pytest.mark.django_db

NO_LINES = {"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}


def cash_form(**overrides) -> dict:
    return {
        "donor_kind": "person",
        "donor_name": "李顺喜",
        "disclosure": "named",
        "kind": "cash",
        "amount": "5000",
        "channel": "bank",
        "reference": "6222-0001",
        "received": "on",
        **NO_LINES,
        **overrides,
    }


def test_it_refuses_a_payment_reference_already_used_by_another_gift(world) -> None:
    client = world.client("hq")
    first = client.post(reverse("supplies:donation_create"), cash_form(client_id="a"))
    assert first.status_code == 302
    again = client.post(
        reverse("supplies:donation_create"),
        cash_form(donor_name="张三", amount="5000", client_id="b"),
    )
    assert again.status_code == 400
    page = again.content.decode()
    assert "收款凭证号“6222-0001”已用于" in page
    assert Donation.objects.get().receipt_no in page
    assert Donation.objects.count() == 1


def test_a_reference_of_a_cancelled_pledge_may_be_used_again(world) -> None:
    client = world.client("hq")
    client.post(reverse("supplies:donation_create"), cash_form(received="", client_id="a"))
    pledge = Donation.objects.get()
    client.post(reverse("supplies:donation_cancel", args=[pledge.pk]), {"reason": "未到账"})
    response = client.post(reverse("supplies:donation_create"), cash_form(client_id="b"))
    assert response.status_code == 302
    assert Donation.objects.received().count() == 1


def test_a_cash_pledge_is_received_with_its_channel_and_reference(world) -> None:
    client = world.client("hq")
    client.post(
        reverse("supplies:donation_create"),
        cash_form(received="", channel="", reference="", client_id="a"),
    )
    pledge = Donation.objects.get()
    page = client.get(reverse("supplies:donation", args=[pledge.pk])).content.decode()
    assert 'name="channel"' in page
    url = reverse("supplies:donation_receive", args=[pledge.pk])
    refused = client.post(url, {"channel": ""})
    assert refused.status_code == 400
    assert "请选择支付方式" in refused.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Donation.Status.PLEDGED
    assert client.post(url, {"channel": "wechat", "reference": "WX-42"}).status_code == 302
    pledge.refresh_from_db()
    assert (pledge.status, pledge.channel, pledge.reference) == ("received", "wechat", "WX-42")


def test_receiving_a_pledge_refuses_a_reference_used_by_another_gift(world) -> None:
    client = world.client("hq")
    client.post(reverse("supplies:donation_create"), cash_form(client_id="a"))
    client.post(
        reverse("supplies:donation_create"),
        cash_form(donor_name="张三", received="", channel="", reference="", client_id="b"),
    )
    pledge = Donation.objects.pledged().get()
    response = client.post(
        reverse("supplies:donation_receive", args=[pledge.pk]),
        {"channel": "bank", "reference": "6222-0001"},
    )
    assert response.status_code == 400
    assert "已用于" in response.content.decode()
    pledge.refresh_from_db()
    assert (pledge.status, pledge.reference) == ("pledged", "")


def test_goods_worth_more_than_the_books_hold_are_refused_with_a_message(world) -> None:
    store = location(world.subdistrict, "仓库")
    masks, suits = item("医用口罩"), item("防护服")
    response = world.client("hq").post(
        reverse("supplies:donation_create"),
        goods_form(
            store,
            {"item": masks.pk, "quantity": "1", "estimated_value": "999999999999.99"},
            {"item": suits.pk, "quantity": "1", "estimated_value": "999999999999.99"},
            client_id="g",
        ),
    )
    assert response.status_code == 400
    assert "估值合计过大" in response.content.decode()
    assert not Donation.objects.exists()
    assert not Movement.objects.exists()


def test_a_pledge_date_in_the_future_is_refused(world) -> None:
    later = timezone.localdate() + timedelta(days=1)
    response = world.client("hq").post(
        reverse("supplies:donation_create"),
        cash_form(pledged_on=later.isoformat(), client_id="a"),
    )
    assert response.status_code == 400
    assert "登记日期不能晚于今天" in response.content.decode()
    assert not Donation.objects.exists()


def test_a_spending_date_in_the_future_is_refused(world) -> None:
    client = world.client("hq")
    client.post(reverse("supplies:donation_create"), cash_form(client_id="a"))
    purpose = Purpose.objects.get_or_create(name="购买防疫物资")[0]
    response = client.post(
        reverse("supplies:spending_create"),
        {
            "purpose": purpose.pk,
            "amount": "100",
            "description": "口罩",
            "spent_on": "9999-12-31",
            "client_id": "s",
        },
    )
    assert response.status_code == 400
    assert "支出日期不能晚于今天" in response.content.decode()
    assert not Spending.objects.exists()


def test_a_mistyped_quantity_or_amount_gets_one_message_not_a_second_saying_it_is_missing(
    world,
) -> None:
    client = world.client("hq")
    goods = client.post(
        reverse("supplies:donation_create"),
        goods_form(None, {"item": item().pk, "quantity": "1.5"}, donor_name="某公司"),
    ).content.decode()
    assert "请填写数量" not in goods
    money = client.post(
        reverse("supplies:donation_create"), cash_form(amount="12.345")
    ).content.decode()
    assert "资金捐赠请填写金额" not in money


def test_an_estimated_value_typed_without_its_item_is_refused_not_dropped(world) -> None:
    store = location(world.subdistrict, "仓库")
    response = world.client("hq").post(
        reverse("supplies:donation_create"),
        goods_form(
            store,
            {"item": item().pk, "quantity": "1000", "estimated_value": "500"},
            {"estimated_value": "3000"},
        ),
    )
    assert response.status_code == 400
    assert "请选择物资" in response.content.decode()
    assert not Donation.objects.exists()
    assert not Movement.objects.exists()
