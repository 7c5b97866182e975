"""Voiding a receipt (作废): an HQ admin withdraws a received gift's receipt with a
reason. The number stays with the gift and is never issued again; the receipt PDF and
the gift's page say 已作废 with the reason, the day and who; 捐赠公示 lists it as 已作废
without its money, and no total counts it. Goods stay in stock. Re-issuing gives the
gift a new number. Bad input changes nothing; leaders get 403, another community 404."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.supplies import actions, figures
from shouwang.supplies.actions.donations import GoodsLine
from shouwang.supplies.models import Balance, Donation, ReceiptCounter

from .factories import item, location

pytestmark = pytest.mark.django_db


def void(client, gift, reason="捐赠方名称写错"):
    return client.post(reverse("supplies:donation_void", args=[gift.pk]), {"reason": reason})


def pdf_text(response) -> str:
    assert response.status_code == 200
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def test_it_voids_a_receipt_keeping_its_number(world, cash_gift) -> None:
    gift = cash_gift("李顺喜", "500")
    number = gift.receipt_no
    response = void(world.client("hq"), gift)
    assert response.status_code == 302
    gift.refresh_from_db()
    assert gift.status == Donation.Status.VOIDED
    assert gift.receipt_no == number
    assert gift.void_reason == "捐赠方名称写错"
    assert gift.voided_by == world.hq
    assert AuditEvent.objects.filter(detail=f"作废收据 {number}：捐赠方名称写错").exists()

    page = world.client("hq").get(reverse("supplies:donation", args=[gift.pk])).content.decode()
    assert "已作废：捐赠方名称写错" in page
    assert str(world.hq) in page
    text = pdf_text(world.client("hq").get(reverse("supplies:donation_receipt", args=[gift.pk])))
    assert "已作废" in text
    assert "捐赠方名称写错" in text
    assert number in text
    # The letter of thanks is not printed for a voided gift.
    letter = world.client("hq").get(reverse("supplies:donation_letter", args=[gift.pk]))
    assert letter.status_code == 404


def test_a_voided_number_is_never_issued_again(world, cash_gift) -> None:
    first = cash_gift("李顺喜", "500")
    void(world.client("hq"), first)
    second = cash_gift("王五", "100")
    assert second.receipt_no != first.receipt_no
    assert int(second.receipt_no[-6:]) == int(first.receipt_no[-6:]) + 1


def test_totals_leave_out_a_voided_gift(world, cash_gift) -> None:
    cash_gift("李顺喜", "500")
    kept = cash_gift("王五", "100")
    voided = Donation.objects.exclude(pk=kept.pk).get()
    void(world.client("hq"), voided)
    totals = figures.donation_totals(world.subdistrict)
    assert totals["cash_received"] == 100
    assert totals["cash_balance"] == 100
    assert totals["received"] == 1
    assert totals["voided"] == 1


def test_the_disclosure_lists_a_voided_gift_without_its_money(client, world, cash_gift) -> None:
    gift = cash_gift("李顺喜", "500")
    void(world.client("hq"), gift)
    page = client.get(reverse("supplies:disclosure")).content.decode()
    row = page[page.index(gift.receipt_no) :]
    row = row[: row.index("</tr>")]
    assert "已作废" in row
    assert "500" not in row
    assert "捐赠方名称写错" not in page  # the reason is for the office, not the public

    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("supplies:disclosure_export")).content)
    ).active
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    (line,) = [r for r in rows if r[0] == gift.receipt_no]
    assert line[header.index("状态")] == "已作废"
    assert line[header.index("金额（元）")] is None
    (total,) = [r for r in rows if r[0] == "合计"]
    assert total[header.index("金额（元）")] == 0


def test_goods_voided_stay_in_stock(world) -> None:
    store = location(world.subdistrict, "明湖街道仓库")
    masks = item("医用口罩")
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="org",
        donor_name="某公司",
        kind="goods",
        lines=[GoodsLine(masks, 1000)],
        location=store,
        received=True,
        by=world.hq,
    )
    assert void(world.client("hq"), gift).status_code == 302
    assert Balance.objects.get(item=masks, location=store).quantity == 1000


def test_it_reissues_under_a_new_number(world, cash_gift) -> None:
    gift = cash_gift("李顺喜", "500")
    void(world.client("hq"), gift)
    response = world.client("hq").post(reverse("supplies:donation_reissue", args=[gift.pk]))
    assert response.status_code == 302
    new = Donation.objects.get(reissue_of=gift)
    assert new.status == Donation.Status.RECEIVED
    assert new.receipt_no not in ("", gift.receipt_no)
    assert new.amount == gift.amount
    assert new.received_by == world.hq
    assert figures.donation_totals(world.subdistrict)["cash_received"] == 500
    # Sent again: nothing more.
    world.client("hq").post(reverse("supplies:donation_reissue", args=[gift.pk]))
    assert Donation.objects.filter(reissue_of=gift).count() == 1
    text = pdf_text(world.client("hq").get(reverse("supplies:donation_receipt", args=[gift.pk])))
    assert new.receipt_no in text


@pytest.mark.parametrize("reason", ["", "   ", "长" * 201])
def test_it_refuses_a_void_without_a_proper_reason(world, cash_gift, reason) -> None:
    gift = cash_gift("李顺喜", "500")
    response = void(world.client("hq"), gift, reason)
    assert response.status_code == 400
    assert "作废原因" in response.content.decode()
    gift.refresh_from_db()
    assert gift.status == Donation.Status.RECEIVED


def test_it_refuses_to_void_a_pledge(world, cash_gift) -> None:
    pledge = cash_gift("李顺喜", "500", received=False)
    response = void(world.client("hq"), pledge)
    assert response.status_code == 400
    assert "只有已到账/入库的捐赠才能作废收据" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Donation.Status.PLEDGED


def test_it_refuses_to_void_cash_already_spent(world, cash_gift, purpose) -> None:
    gift = cash_gift("李顺喜", "500", days_ago=1)
    actions.record_spending(
        area=world.subdistrict,
        purpose=purpose,
        amount=Decimal("200"),
        description="口罩",
        by=world.hq,
    )
    response = void(world.client("hq"), gift)
    assert response.status_code == 400
    assert "已支出200.00元，不能作废" in response.content.decode()
    gift.refresh_from_db()
    assert gift.status == Donation.Status.RECEIVED


def test_it_refuses_to_reissue_a_received_gift(world, cash_gift) -> None:
    gift = cash_gift("李顺喜", "500")
    last = ReceiptCounter.objects.get().last
    response = world.client("hq").post(reverse("supplies:donation_reissue", args=[gift.pk]))
    assert response.status_code == 400
    assert ReceiptCounter.objects.get().last == last


@pytest.mark.parametrize("persona", ["leader", "auditor", "staff_a"])
def test_other_roles_may_not_void(world, cash_gift, persona) -> None:
    gift = cash_gift("李顺喜", "500")
    assert void(world.client(persona), gift).status_code == 403
    url = reverse("supplies:donation_reissue", args=[gift.pk])
    assert world.client(persona).post(url).status_code == 403
    gift.refresh_from_db()
    assert gift.status == Donation.Status.RECEIVED


def test_an_admin_of_another_community_gets_404(world, cash_gift) -> None:
    gift = cash_gift("李顺喜", "500", area=world.community_a)
    other = UserFactory(username="hq_b", role=Role.HQ_ADMIN, area=world.community_b)
    client = world.client("anonymous")
    client.force_login(other)
    assert void(client, gift).status_code == 404
    gift.refresh_from_db()
    assert gift.status == Donation.Status.RECEIVED
