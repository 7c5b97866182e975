"""Cash that arrived before it is entered (bookkeeping after the fact) is entered with
the day it arrived, so spending dated that day can draw on it; the day may not lie in
the future nor before the pledge. Goods enter stock when they are received here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.supplies.models import Donation, Purpose, Spending

pytestmark = pytest.mark.django_db


def _days_ago(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


def _gift(client, **extra):
    return client.post(
        reverse("supplies:donation_create"),
        {
            "donor_kind": "person",
            "donor_name": "李顺喜",
            "disclosure": "named",
            "kind": "cash",
            "amount": "500",
            "channel": "bank",
            "received": "on",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
            **extra,
        },
    )


def test_cash_entered_late_is_received_on_the_day_it_arrived(world) -> None:
    client = world.client("hq")
    response = _gift(client, pledged_on=_days_ago(6), received_on=_days_ago(5))
    assert response.status_code == 302, response.content.decode()[:2000]
    gift = Donation.objects.get()
    assert timezone.localtime(gift.received_at).date().isoformat() == _days_ago(5)

    purpose = Purpose.objects.get_or_create(name="购买防疫物资")[0]
    spent = client.post(
        reverse("supplies:spending_create"),
        {
            "purpose": purpose.pk,
            "amount": "300",
            "description": "口罩",
            "spent_on": _days_ago(5),
            "client_id": "s",
        },
    )
    assert spent.status_code == 302, spent.content.decode()[:2000]
    assert Spending.objects.get().shares.get().donation == gift
    page = world.client("anonymous").get(reverse("supplies:disclosure")).content.decode()
    assert _days_ago(5) in page


def test_a_pledge_is_received_on_the_day_the_money_arrived(world) -> None:
    client = world.client("hq")
    assert _gift(client, received="", pledged_on=_days_ago(9)).status_code == 302
    gift = Donation.objects.get()
    url = reverse("supplies:donation_receive", args=[gift.pk])
    assert "到账日期" in client.get(reverse("supplies:donation", args=[gift.pk])).content.decode()

    for day, says in (
        (_days_ago(-1), "到账日期不能晚于今天"),
        (_days_ago(10), "到账日期不能早于承诺/登记日期"),
    ):
        refused = client.post(url, {"channel": "bank", "received_on": day}, follow=True)
        assert says in refused.content.decode()
        gift.refresh_from_db()
        assert gift.status == "pledged"

    assert client.post(url, {"channel": "bank", "received_on": _days_ago(3)}).status_code == 302
    gift.refresh_from_db()
    assert timezone.localtime(gift.received_at).date().isoformat() == _days_ago(3)


def test_a_blank_day_is_now_and_goods_cannot_be_backdated(world) -> None:
    client = world.client("hq")
    assert _gift(client).status_code == 302
    gift = Donation.objects.get()
    assert timezone.now() - gift.received_at < timedelta(minutes=5)

    from .factories import item, location

    store = location(world.subdistrict, "明湖街道仓库")
    refused = client.post(
        reverse("supplies:donation_create"),
        {
            "donor_kind": "organisation",
            "donor_name": "某公司",
            "disclosure": "named",
            "kind": "goods",
            "location": store.pk,
            "received": "on",
            "received_on": _days_ago(2),
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-item": item().pk,
            "lines-0-quantity": "100",
        },
    )
    assert refused.status_code == 400
    assert "物资按实际入库时间记账" in refused.content.decode()
    assert Donation.objects.count() == 1


@pytest.mark.parametrize("day", ["0001-01-01", "0202-11-20", "1899-12-31"])
def test_a_day_before_any_real_bookkeeping_is_refused(world, day: str) -> None:
    client = world.client("hq")
    for extra in ({"pledged_on": day}, {"pledged_on": day, "received_on": day}):
        response = _gift(client, **extra)
        assert response.status_code == 400
        assert "请核对年份" in response.content.decode()
    assert not Donation.objects.exists()

    assert _gift(client, received="").status_code == 302
    gift = Donation.objects.get()
    refused = client.post(
        reverse("supplies:donation_receive", args=[gift.pk]),
        {"channel": "bank", "received_on": day},
        follow=True,
    )
    assert "请核对年份" in refused.content.decode()
    gift.refresh_from_db()
    assert gift.status == "pledged"

    purpose = Purpose.objects.get_or_create(name="购买防疫物资")[0]
    spent = client.post(
        reverse("supplies:spending_create"),
        {"purpose": purpose.pk, "amount": "1", "description": "口罩", "spent_on": day},
    )
    assert spent.status_code == 400
    assert "请核对年份" in spent.content.decode()
