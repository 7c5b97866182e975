"""Part of a goods pledge arrives: the keeper types what arrived, that part is received
(stock, receipt, estimate pro rata) and the rest stays pledged as a gift of its own."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from shouwang.supplies import actions, figures
from shouwang.supplies.actions.donations import GoodsLine
from shouwang.supplies.models import Balance, Donation, Movement

from .factories import item, location

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge(world):
    store = location(world.subdistrict, "明湖街道仓库")
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="organisation",
        donor_name="河南宝山高科有限责任公司",
        disclosure="masked",
        kind="goods",
        lines=[
            GoodsLine(item("医用口罩"), 10_000, Decimal("5000")),
            GoodsLine(item("84消毒液"), 100, Decimal("1000")),
        ],
        location=store,
        by=world.hq,
    )
    return gift, store


def _arrived(gift, **by_item: int) -> dict:
    return {f"q{ln.pk}": by_item[ln.item.name] for ln in gift.lines.select_related("item")}


def test_the_part_that_arrived_is_received_and_the_rest_stays_pledged(world, pledge) -> None:
    gift, store = pledge
    client = world.client("hq")
    page = client.get(reverse("supplies:donation", args=[gift.pk])).content.decode()
    assert "实收" in page
    response = client.post(
        reverse("supplies:donation_receive", args=[gift.pk]),
        {"location": store.pk, **_arrived(gift, 医用口罩=6_000, **{"84消毒液": 0})},
        follow=True,
    )
    assert response.status_code == 200
    assert "未到部分" in response.content.decode()

    gift.refresh_from_db()
    assert gift.status == "received"
    assert [(ln.item.name, ln.quantity, ln.estimated_value) for ln in gift.lines.all()] == [
        ("医用口罩", 6_000, Decimal("3000.00"))
    ]
    assert gift.estimated_value == Decimal("3000.00")
    assert Balance.objects.get(location=store, item=item("医用口罩")).quantity == 6_000
    assert not Balance.objects.filter(item=item("84消毒液"), quantity__gt=0).exists()

    rest = Donation.objects.exclude(pk=gift.pk).get()
    assert (rest.status, rest.donor, rest.disclosure) == ("pledged", gift.donor, "masked")
    assert sorted((ln.item.name, ln.quantity, ln.estimated_value) for ln in rest.lines.all()) == [
        ("84消毒液", 100, Decimal("1000.00")),
        ("医用口罩", 4_000, Decimal("2000.00")),
    ]
    assert rest.estimated_value == Decimal("3000.00")
    # The rest arrives later and is received in full.
    client.post(reverse("supplies:donation_receive", args=[rest.pk]), {"location": store.pk})
    assert Balance.objects.get(location=store, item=item("医用口罩")).quantity == 10_000
    assert Donation.objects.count() == 2


def test_a_pledge_received_in_full_says_nothing_of_a_rest(world, pledge) -> None:
    gift, store = pledge
    response = world.client("hq").post(
        reverse("supplies:donation_receive", args=[gift.pk]),
        {"location": store.pk, **_arrived(gift, 医用口罩=10_000, **{"84消毒液": 100})},
        follow=True,
    )
    assert "已确认到账/入库，可打印收据" in response.content.decode()
    assert "未到部分" not in response.content.decode()
    assert Donation.objects.get().estimated_value == Decimal("6000.00")


def test_more_than_pledged_or_nothing_at_all_is_refused(world, pledge) -> None:
    gift, store = pledge
    client = world.client("hq")
    url = reverse("supplies:donation_receive", args=[gift.pk])
    more = client.post(
        url, {"location": store.pk, **_arrived(gift, 医用口罩=10_001, **{"84消毒液": 100})}
    )
    assert more.status_code == 400
    assert "多于承诺" in more.content.decode()
    none = client.post(url, {"location": store.pk, **_arrived(gift, 医用口罩=0, **{"84消毒液": 0})})
    assert none.status_code == 400
    assert "取消承诺" in none.content.decode()
    gift.refresh_from_db()
    assert gift.status == "pledged"
    assert not Movement.objects.exists()
    assert Donation.objects.count() == 1


@pytest.fixture
def cash_pledge(world):
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="organisation",
        donor_name="河南大林建设工程有限公司",
        disclosure="named",
        kind="cash",
        amount=Decimal("20000"),
        channel="bank",
        message="众志成城",
        by=world.hq,
    )
    return gift


def test_the_part_of_a_cash_pledge_that_arrived_is_received_and_the_rest_stays_pledged(
    world, cash_pledge
) -> None:
    client = world.client("hq")
    url = reverse("supplies:donation", args=[cash_pledge.pk])
    assert "实收金额" in client.get(url).content.decode()
    response = client.post(
        reverse("supplies:donation_receive", args=[cash_pledge.pk]),
        {"channel": "bank", "reference": "TX001", "received_amount": "12000.50"},
        follow=True,
    )
    assert response.status_code == 200
    assert "未到部分" in response.content.decode()

    gift = Donation.objects.get(pk=cash_pledge.pk)
    assert (gift.status, gift.amount, gift.reference) == ("received", Decimal("12000.50"), "TX001")
    rest = Donation.objects.exclude(pk=gift.pk).get()
    assert (rest.status, rest.kind, rest.donor, rest.amount, rest.reference) == (
        "pledged",
        "cash",
        gift.donor,
        Decimal("7999.50"),
        "",
    )
    assert gift.receipt_no in rest.notes
    assert rest.message == "众志成城"
    totals = figures.donation_totals(world.subdistrict)
    assert totals["cash_received"] == Decimal("12000.50")
    assert totals["cash_pledged"] == Decimal("7999.50")
    # The receipt and the donation page say what arrived.
    receipt = client.get(reverse("supplies:donation_receipt", args=[gift.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.content)).pages)
    assert "12,000.50" in text
    assert "20,000" not in text
    # The rest arrives later and is received in full.
    client.post(reverse("supplies:donation_receive", args=[rest.pk]), {"channel": "wechat"})
    rest.refresh_from_db()
    assert (rest.status, rest.amount) == ("received", Decimal("7999.50"))
    assert figures.donation_totals(world.subdistrict)["cash_received"] == Decimal("20000.00")


def test_a_cash_pledge_received_in_full_says_nothing_of_a_rest(world, cash_pledge) -> None:
    response = world.client("hq").post(
        reverse("supplies:donation_receive", args=[cash_pledge.pk]),
        {"channel": "bank", "received_amount": "20000"},
        follow=True,
    )
    assert "已确认到账/入库，可打印收据" in response.content.decode()
    assert Donation.objects.get().amount == Decimal("20000")


def test_more_cash_than_pledged_or_none_is_refused(world, cash_pledge) -> None:
    client = world.client("hq")
    url = reverse("supplies:donation_receive", args=[cash_pledge.pk])
    more = client.post(url, {"channel": "bank", "received_amount": "20000.01"})
    assert more.status_code == 400
    assert "多于承诺" in more.content.decode()
    for typed in ("0", "-5", "abc"):
        none = client.post(url, {"channel": "bank", "received_amount": typed})
        assert none.status_code == 400
        assert "实收金额" in none.content.decode()
    gift = Donation.objects.get()
    assert (gift.status, gift.amount) == ("pledged", Decimal("20000.00"))
