"""确认到账/入库 with a form in error: the donation page again at 400 naming, in
Chinese, every field to correct — whichever fields are wrong, together — and nothing
received, no stock moved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from shouwang.supplies import actions
from shouwang.supplies.actions.donations import GoodsLine
from shouwang.supplies.models import Donation, Movement

from .factories import item, location

pytestmark = pytest.mark.django_db


@pytest.fixture
def goods(world) -> Donation:
    store = location(world.subdistrict, "明湖街道仓库")
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="organisation",
        donor_name="河南宝山高科有限责任公司",
        kind="goods",
        lines=[GoodsLine(item("医用口罩"), 10_000, Decimal("5000"))],
        location=store,
        by=world.hq,
    )
    assert gift.status == "pledged"
    return gift


def _refused(world, gift: Donation, data: dict) -> list[str]:
    response = world.client("hq").post(reverse("supplies:donation_receive", args=[gift.pk]), data)
    assert response.status_code == 400
    said = [str(m) for m in get_messages(response.wsgi_request)]
    page = response.content.decode()
    for message in said:
        assert message in page
    gift.refresh_from_db()
    assert gift.status == "pledged"
    assert not Movement.objects.filter(donation=gift).exists()
    return said


def _quantity(gift: Donation) -> str:
    return f"q{gift.lines.get().pk}"


def test_a_bad_location_and_a_bad_quantity_are_both_named(world, goods) -> None:
    said = _refused(world, goods, {"location": "999999", _quantity(goods): "-5"})
    assert said == [
        "请选择有效的入库存放点（已停用的存放点不能入库），未做任何修改",
        "医用口罩实收数量应为不小于0的整数，未做任何修改",
    ]


def test_a_quantity_too_large_says_so(world, goods) -> None:
    store = goods.lines.get().donation.location
    said = _refused(world, goods, {"location": store.pk, _quantity(goods): "99999999999"})
    assert said == ["医用口罩实收数量过大，最多1,000,000,000个，未做任何修改"]


def test_a_bad_amount_and_a_bad_channel_are_both_named(world, cash_gift) -> None:
    gift = cash_gift("李顺喜", "500", received=False)
    said = _refused(world, gift, {"received_amount": "五百", "channel": "bitcoin"})
    assert said == [
        "请选择有效的支付方式，未做任何修改",
        "实收金额应为大于0的金额（最多两位小数），未做任何修改",
    ]


def test_a_bad_day_and_a_long_reference_are_both_named(world, cash_gift) -> None:
    gift = cash_gift("李顺喜", "500", received=False)
    said = _refused(world, gift, {"received_on": "2026-02-30", "reference": "X" * 65})
    assert said == [
        "收款凭证号/流水号最多64个字符（现有65个），未做任何修改",
        "到账日期格式不正确，请按2026-02-01的格式填写，未做任何修改",
    ]
