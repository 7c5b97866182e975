"""A gift received by a community (定向捐赠 to that community) is spent within that
community's subtree only: the sub-district above it, which sees it on its books,
may not draw on it, whether the spending is dated today or in the past."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.supplies.models import Purpose, Spending, SpendingShare

pytestmark = pytest.mark.django_db


def spend(client, amount: str, *, days_ago: int = 0, client_id: str = "s1"):
    return client.post(
        reverse("supplies:spending_create"),
        {
            "purpose": Purpose.objects.get(name="购买防疫物资").pk,
            "amount": amount,
            "description": "口罩",
            "spent_on": (timezone.localdate() - timedelta(days=days_ago)).isoformat(),
            "client_id": client_id,
        },
    )


def test_it_refuses_sub_district_spending_from_a_community_gift(world, cash_gift, purpose) -> None:
    cash_gift("李顺喜", "100", area=world.community_a)

    response = spend(world.client("hq"), "100")

    assert response.status_code == 400
    page = response.content.decode()
    assert "可用捐款余额不足" in page
    assert "西城社区" in page
    assert "定向" in page
    assert "未做任何修改" in page
    assert not Spending.objects.exists()
    assert not SpendingShare.objects.exists()


def test_it_draws_only_on_the_sub_districts_own_gifts(world, cash_gift, purpose) -> None:
    own = cash_gift("李顺喜", "50", area=world.subdistrict, days_ago=1)
    cash_gift("张三", "100", area=world.community_a, days_ago=2)

    refused = spend(world.client("hq"), "80")
    assert refused.status_code == 400
    assert not Spending.objects.exists()

    assert spend(world.client("hq"), "50", client_id="s2").status_code == 302
    (share,) = SpendingShare.objects.all()
    assert (share.donation, share.amount) == (own, Decimal("50.00"))


def test_a_backdated_sub_district_spending_cannot_move_onto_a_community_gift(
    world, cash_gift, purpose
) -> None:
    hq = world.client("hq")
    cash_gift("李顺喜", "100", area=world.subdistrict, days_ago=0)
    assert spend(hq, "100", client_id="today").status_code == 302
    cash_gift("张三", "100", area=world.community_a, days_ago=10)

    response = spend(hq, "100", days_ago=5, client_id="backdated")

    assert response.status_code == 400
    page = response.content.decode()
    assert "西城社区" in page
    assert "未做任何修改" in page
    assert not Spending.objects.filter(client_id="backdated").exists()
    (share,) = SpendingShare.objects.all()
    assert share.spending.client_id == "today"


def test_the_community_spends_its_own_gift(world, cash_gift, purpose) -> None:
    mine = cash_gift("李顺喜", "100", area=world.community_a)
    office = UserFactory(username="hq_a", role=Role.HQ_ADMIN, area=world.community_a)
    client = world.client("anonymous")
    client.force_login(office)

    response = spend(client, "100")

    assert response.status_code == 302, response.content.decode()
    (share,) = SpendingShare.objects.all()
    assert (share.donation, share.spending.area) == (mine, world.community_a)


def test_the_spending_form_shows_only_the_balance_the_office_may_spend(
    world, cash_gift, purpose
) -> None:
    cash_gift("李顺喜", "50", area=world.subdistrict)
    cash_gift("张三", "100", area=world.community_a)

    page = world.client("hq").get(reverse("supplies:spending_create"))

    assert page.status_code == 200
    assert page.context["spendable"] == Decimal("50.00")
    body = page.content.decode()
    assert "可支出余额：<strong>50.00</strong>" in body
    assert "下属单位接收的定向捐款100.00元" in body
