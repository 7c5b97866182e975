"""HQ renames, reorders and retires the purposes of cash gifts (资金用途). A retired
purpose is no longer offered for new spendings nor new designated gifts; the
spendings recorded against it keep it, and the balances still add up. A purpose
that designated money still waits on cannot be retired."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.supplies import figures
from shouwang.supplies.models import Purpose, Spending

pytestmark = pytest.mark.django_db


def _edit(purpose: Purpose) -> str:
    return reverse("supplies:purpose_edit", args=[purpose.pk])


def _purpose_select(html: str) -> str:
    found = re.search(r'<select name="purpose".*?</select>', html, re.S)
    assert found, html
    return found.group(0)


def _spend(client, purpose: Purpose, amount: str, n: int):
    return client.post(
        reverse("supplies:spending_create"),
        {
            "purpose": purpose.pk,
            "amount": amount,
            "description": "采购口罩",
            "client_id": f"s-{n}",
        },
    )


def test_hq_renames_a_purpose_and_old_spendings_show_the_new_name(
    world, cash_gift, purpose
) -> None:
    cash_gift("李顺喜", "1000")
    client = world.client("hq")
    assert _spend(client, purpose, "300", 1).status_code == 302
    page = client.get(reverse("supplies:purposes"))
    assert _edit(purpose) in page.content.decode()
    response = client.post(_edit(purpose), {"name": "购买防护物资", "order": "5", "active": "on"})
    assert response.status_code == 302
    purpose.refresh_from_db()
    assert (purpose.name, purpose.order, purpose.active) == ("购买防护物资", 5, True)
    assert "购买防护物资" in client.get(reverse("supplies:spending")).content.decode()
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).latest("pk")
    assert "名称：购买防疫物资 → 购买防护物资" in event.detail


def test_a_rename_to_a_taken_name_is_refused(world, purpose) -> None:
    Purpose.objects.get_or_create(name="慰问一线人员")
    response = world.client("hq").post(
        _edit(purpose), {"name": "慰问一线人员", "order": "0", "active": "on"}
    )
    assert response.status_code == 400
    assert "已有同名的资金用途，请换一个名称" in response.content.decode()
    purpose.refresh_from_db()
    assert purpose.name == "购买防疫物资"


def test_a_retired_purpose_is_not_offered_and_old_spendings_keep_it(
    world, cash_gift, purpose
) -> None:
    cash_gift("李顺喜", "1000")
    client = world.client("hq")
    assert _spend(client, purpose, "300", 1).status_code == 302
    response = client.post(_edit(purpose), {"name": purpose.name, "order": "0"})
    assert response.status_code == 302
    purpose.refresh_from_db()
    assert purpose.active is False
    listing = client.get(reverse("supplies:purposes")).content.decode()
    assert "已停用" in listing
    for url in (reverse("supplies:spending_create"), reverse("supplies:donation_create")):
        offered = _purpose_select(client.get(url).content.decode())
        assert "慰问一线人员" in offered
        assert f'value="{purpose.pk}"' not in offered
    refused = _spend(client, purpose, "100", 2)
    assert refused.status_code == 400
    assert "所选用途已停用" in refused.content.decode()
    assert Spending.objects.get().purpose == purpose
    assert "购买防疫物资" in client.get(reverse("supplies:spending")).content.decode()
    totals = figures.donation_totals(world.subdistrict)
    assert (totals["cash_spent"], totals["cash_balance"]) == (Decimal("300"), Decimal("700"))
    assert "购买防疫物资" in client.get(reverse("supplies:disclosure")).content.decode()


def test_a_retired_purpose_can_be_used_again(world, cash_gift, purpose) -> None:
    cash_gift("李顺喜", "1000")
    client = world.client("hq")
    client.post(_edit(purpose), {"name": purpose.name, "order": "0"})
    assert _spend(client, purpose, "100", 1).status_code == 400
    client.post(_edit(purpose), {"name": purpose.name, "order": "0", "active": "on"})
    assert _spend(client, purpose, "100", 2).status_code == 302


def test_a_purpose_designated_money_waits_on_is_not_retired(world, cash_gift, purpose) -> None:
    cash_gift("王先生", "500", purpose=purpose)
    client = world.client("hq")
    response = client.post(_edit(purpose), {"name": purpose.name, "order": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "仍有500.00元定向用于“购买防疫物资”的捐款未支出" in html
    purpose.refresh_from_db()
    assert purpose.active is True
    assert _spend(client, purpose, "500", 1).status_code == 302
    assert client.post(_edit(purpose), {"name": purpose.name, "order": "0"}).status_code == 302


def test_a_purpose_a_pledge_is_designated_to_is_not_retired(world, cash_gift, purpose) -> None:
    cash_gift("王先生", "500", purpose=purpose, received=False)
    response = world.client("hq").post(_edit(purpose), {"name": purpose.name, "order": "0"})
    assert response.status_code == 400
    assert "有尚未到账的定向捐款" in response.content.decode()
    purpose.refresh_from_db()
    assert purpose.active is True


@pytest.mark.parametrize("persona", ["leader", "auditor", "staff_a", "grid_a"])
def test_other_roles_cannot_edit_a_purpose(world, persona: str, purpose) -> None:
    client = world.client(persona)
    assert client.get(_edit(purpose)).status_code in (403, 404)
    sent = {"name": "改名", "order": "0"}
    assert client.post(_edit(purpose), sent).status_code in (403, 404)
    purpose.refresh_from_db()
    assert (purpose.name, purpose.active) == ("购买防疫物资", True)


def test_an_unknown_purpose_is_404(world) -> None:
    response = world.client("hq").get(reverse("supplies:purpose_edit", args=[999999]))
    assert response.status_code == 404
