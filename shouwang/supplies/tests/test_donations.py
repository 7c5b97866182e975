"""Donations: totals and balances add up, the donor's phone is encrypted, PDFs carry
Chinese text in an embedded CJK font, and the public disclosure never shows the
details of a donor who chose to be masked or anonymous."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from shouwang.accounts.models import AuditEvent
from shouwang.supplies import actions, figures
from shouwang.supplies.actions.donations import GoodsLine
from shouwang.supplies.models import (
    MAX_UNITS,
    Balance,
    Donation,
    Donor,
    Location,
    Movement,
    Purpose,
    Spending,
)

from .factories import goods_form, item, location

pytestmark = pytest.mark.django_db


def cash(world, amount: str, *, name: str = "李顺喜", disclosure: str = "named", **kw):
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind=kw.pop("donor_kind", "person"),
        donor_name=name,
        kind="cash",
        amount=Decimal(amount),
        channel="bank",
        disclosure=disclosure,
        received=kw.pop("received", True),
        by=world.hq,
        **kw,
    )
    return gift


def purpose(name: str = "购买防疫物资") -> Purpose:
    return Purpose.objects.get_or_create(name=name)[0]


def test_it_records_a_cash_donation_through_the_form_with_an_encrypted_phone(world) -> None:
    client = world.client("hq")
    response = client.post(
        reverse("supplies:donation_create"),
        {
            "donor_kind": "organisation",
            "donor_name": "河南大林建设工程有限公司",
            "contact_name": "李庆林",
            "phone": "13912345678",
            "disclosure": "named",
            "kind": "cash",
            "amount": "20000",
            "channel": "bank",
            "received": "on",
            "client_id": "c-1",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    gift = Donation.objects.get()
    assert gift.status == "received"
    assert gift.receipt_no.startswith("JZ")
    donor = gift.donor
    assert "13912345678" not in donor.phone_enc
    assert donor.phone_masked == "139****5678"
    page = client.get(reverse("supplies:donation", args=[gift.pk])).content.decode()
    assert "139****5678" in page
    assert "13912345678" not in page
    assert AuditEvent.objects.filter(object_type="supplies.Donation").exists()


def test_a_double_submit_stores_one_donation(world) -> None:
    for _ in range(2):
        cash(world, "100", client_id="same-id")
    assert Donation.objects.count() == 1


def test_it_refuses_a_cash_donation_without_amount_in_chinese(world) -> None:
    response = world.client("hq").post(
        reverse("supplies:donation_create"),
        {
            "donor_kind": "person",
            "donor_name": "某人",
            "disclosure": "named",
            "kind": "cash",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "资金捐赠请填写金额" in response.content.decode()
    assert not Donation.objects.exists()


def test_goods_donations_enter_stock_when_received(world) -> None:
    store = location(world.subdistrict, "仓库")
    masks, liquid = item("医用口罩"), item("消毒液")
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="organisation",
        donor_name="河南宝山高科有限责任公司",
        kind="goods",
        lines=[
            GoodsLine(masks, 2500, Decimal("5000")),
            GoodsLine(liquid, 100, Decimal("25000")),
        ],
        location=store,
        by=world.hq,
    )
    assert gift.status == "pledged"
    assert gift.estimated_value == Decimal("30000.00")
    assert not Balance.objects.filter(location=store).exists()
    assert actions.receive_donation(donation=gift, by=world.hq)[1] is True
    assert Balance.objects.get(location=store, item=masks).quantity == 2500
    assert Balance.objects.get(location=store, item=liquid).quantity == 100
    again, received = actions.receive_donation(donation=gift, by=world.hq)
    assert received is False
    assert again.receipt_no == Donation.objects.get(pk=gift.pk).receipt_no
    assert Balance.objects.get(location=store, item=masks).quantity == 2500
    assert Movement.objects.filter(donation=gift).count() == 2


def test_the_stock_ledger_names_the_donor_of_donated_goods(world) -> None:
    store = location(world.subdistrict, "仓库")
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="organisation",
        donor_name="河南宝山高科有限责任公司",
        kind="goods",
        lines=[GoodsLine(item("医用口罩"), 2500, Decimal("5000"))],
        location=store,
        by=world.hq,
    )
    actions.receive_donation(donation=gift, by=world.hq)
    client = world.client("hq")
    for url in (reverse("supplies:ledger"), reverse("supplies:location", args=[store.pk])):
        assert "捐赠：河南宝山高科有限责任公司" in client.get(url).content.decode(), url
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("supplies:ledger_export")).content), read_only=True
    ).active
    header, row = list(sheet.iter_rows(values_only=True))[:2]
    assert row[header.index("领用/供应/捐赠方")] == "捐赠：河南宝山高科有限责任公司"


@pytest.mark.parametrize("estimate", ["", "0"])
def test_it_records_goods_through_the_form_without_an_estimated_value(world, estimate) -> None:
    store = location(world.subdistrict, "仓库")
    masks = item("医用口罩")
    response = world.client("hq").post(
        reverse("supplies:donation_create"),
        goods_form(
            store, {"item": masks.pk, "quantity": "3", "unit": "盒", "estimated_value": estimate}
        ),
    )
    assert response.status_code == 302
    gift = Donation.objects.get()
    assert gift.estimated_value == 0
    assert gift.lines.get().quantity == 150
    assert Balance.objects.get(location=store, item=masks).quantity == 150


def test_a_goods_line_too_large_for_the_ledger_is_refused_and_kept_on_the_form(world) -> None:
    store = location(world.subdistrict, "仓库")
    response = world.client("hq").post(
        reverse("supplies:donation_create"),
        goods_form(store, {"item": item("医用口罩").pk, "quantity": "1000000000", "unit": "箱"}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "数量过大" in page
    assert 'value="河南宝山高科有限责任公司"' in page
    assert not Donation.objects.exists()


def test_totals_pledged_received_spent_and_balance_add_up(world) -> None:
    first = cash(world, "5000")
    second = cash(world, "20000", name="河南大林建设工程有限公司", donor_kind="organisation")
    cash(world, "37500.50", name="爱心人士", disclosure="anonymous")
    cash(world, "10000", name="隆越汽车", received=False)
    spent, _ = actions.record_spending(
        area=world.subdistrict,
        purpose=purpose(),
        amount=Decimal("6000"),
        description="购买口罩",
        by=world.hq,
    )
    totals = figures.donation_totals(world.subdistrict)
    assert totals["cash_received"] == Decimal("62500.50")
    assert totals["cash_pledged"] == Decimal("10000")
    assert totals["cash_spent"] == Decimal("6000")
    assert totals["cash_balance"] == Decimal("56500.50")
    # Oldest gift first: 5,000 from the first donor, 1,000 from the second.
    shares = {s.donation_id: s.amount for s in spent.shares.all()}
    assert shares == {first.pk: Decimal("5000.00"), second.pk: Decimal("1000.00")}
    left = {d.pk: d.left for d in Donation.objects.cash().received().with_spent()}
    assert left[first.pk] == 0
    assert left[second.pk] == Decimal("19000.00")
    assert sum(left.values()) == totals["cash_balance"]


def test_restricted_gifts_fund_only_their_purpose_and_first(world) -> None:
    care = purpose("慰问一线人员")
    free = cash(world, "1000")
    restricted = cash(world, "500", name="定向捐赠人", purpose=care)
    with pytest.raises(ValidationError, match="可用捐款余额不足"):
        actions.record_spending(
            area=world.subdistrict,
            purpose=purpose(),
            amount=Decimal("1200"),
            description="超出",
            by=world.hq,
        )
    spent, _ = actions.record_spending(
        area=world.subdistrict, purpose=care, amount=Decimal("800"), description="慰问", by=world.hq
    )
    shares = {s.donation_id: s.amount for s in spent.shares.all()}
    assert shares == {restricted.pk: Decimal("500.00"), free.pk: Decimal("300.00")}


def test_spending_more_than_the_balance_is_refused_through_the_form(world) -> None:
    cash(world, "100")
    response = world.client("hq").post(
        reverse("supplies:spending_create"),
        {"purpose": purpose().pk, "amount": "100.01", "description": "超支", "client_id": "x"},
    )
    assert response.status_code == 400
    assert "可用捐款余额不足" in response.content.decode()
    assert figures.donation_totals(world.subdistrict)["cash_spent"] == 0


def _pdf_text_and_fonts(content: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return text, fonts


@pytest.mark.parametrize("route", ["supplies:donation_receipt", "supplies:donation_letter"])
def test_pdfs_render_chinese_text_in_an_embedded_cjk_font(world, route: str) -> None:
    gift = cash(world, "37500", name="河南大林建设工程有限公司", donor_kind="organisation")
    response = world.client("hq").get(reverse(route, args=[gift.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, fonts = _pdf_text_and_fonts(response.content)
    assert "河南大林建设工程有限公司" in text
    # A subset ("ABCDEF+Noto-Serif-CJK-SC") is a font embedded in the file.
    assert any("+" in f and "CJK" in f and "Noto" in f for f in fonts), fonts
    if route == "supplies:donation_receipt":
        assert "叁万柒仟伍佰元整" in text
        assert gift.receipt_no in text
    else:
        assert "感" in text
        assert "谢" in text


def test_no_receipt_for_a_pledge(world) -> None:
    gift = cash(world, "100", received=False)
    response = world.client("hq").get(reverse("supplies:donation_receipt", args=[gift.pk]))
    assert response.status_code == 404


def test_disclosure_never_shows_a_masked_or_anonymous_donors_details(world) -> None:
    cash(world, "5000", name="李顺喜", disclosure="named")
    cash(world, "100", name="骈帅军", disclosure="masked", phone="13911112222")
    cash(
        world,
        "37500",
        name="某某爱心企业有限公司",
        donor_kind="organisation",
        disclosure="anonymous",
        contact_name="王联系人",
        phone="13933334444",
    )
    client = world.client("anonymous")
    page = client.get(reverse("supplies:disclosure"))
    assert page.status_code == 200
    html = page.content.decode()
    sheet = client.get(reverse("supplies:disclosure_export"))
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    cells = " ".join(str(v) for row in rows for v in row if v is not None)
    for shown in (html, cells):
        assert "李顺喜" in shown
        assert "骈**" in shown
        assert "爱心单位（匿名）" in shown
        for secret in ("骈帅军", "帅军", "某某爱心", "王联系人", "13911112222", "1112222", "3333"):
            assert secret not in shown
    assert rows[-1][0] == "合计"
    assert Decimal(str(rows[-1][4])) == Decimal("42600")


def test_donor_masking() -> None:
    assert Donor(kind="person", name="李顺喜").masked_name() == "李**"
    assert Donor(kind="person", name="李").masked_name() == "李*"
    org = Donor(kind="organisation", name="河南宝山高科有限责任公司").masked_name()
    assert org.startswith("河南")
    assert org.endswith("公司")
    assert "宝山" not in org


def test_a_short_organisation_name_masked_keeps_at_most_a_quarter_at_each_end() -> None:
    def masked(name: str) -> str:
        return Donor(kind="organisation", name=name).masked_name()

    assert masked("京东方科技") == "京***技"
    assert masked("华康医疗公司") == "华****司"
    assert masked("河南宝山有限公司") == "河南****公司"
    assert masked("华康") == "华*"


def test_leaders_read_donations_but_cannot_record_them(world) -> None:
    client = world.client("leader")
    assert client.get(reverse("supplies:donations")).status_code == 200
    assert client.get(reverse("supplies:donation_create")).status_code == 403
    assert world.client("staff_a").get(reverse("supplies:donations")).status_code == 403


def test_donation_export_is_audited_and_masks_phones(world) -> None:
    cash(world, "100", phone="13955556666")
    response = world.client("hq").get(reverse("supplies:donations_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "139****6666" in rows[1]
    assert "13955556666" not in str(rows)
    assert AuditEvent.objects.filter(action="export", detail="导出捐赠台账").exists()


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("5000", "伍仟元整"),
        ("20000", "贰万元整"),
        ("37500", "叁万柒仟伍佰元整"),
        ("100010", "壹拾万零壹拾元整"),
        ("100010000", "壹亿零壹万元整"),
        ("1001.01", "壹仟零壹元零壹分"),
        ("0.50", "伍角"),
        ("0", "零元整"),
    ],
)
def test_amounts_in_capitals(amount: str, words: str) -> None:
    from shouwang.supplies.documents import rmb_upper

    assert rmb_upper(Decimal(amount)) == words


@pytest.mark.parametrize("received", [True, False])
def test_the_action_refuses_a_goods_line_above_the_limit_and_writes_nothing(
    world, received: bool
) -> None:
    store = location(world.subdistrict, "仓库")
    with pytest.raises(ValidationError, match="数量过大"):
        actions.record_donation(
            area=world.subdistrict,
            donor_kind="organisation",
            donor_name="河南宝山高科有限责任公司",
            kind="goods",
            lines=[GoodsLine(item("医用口罩"), 10, Decimal("1")), GoodsLine(item(), MAX_UNITS + 1)],
            location=store,
            received=received,
            by=world.hq,
        )
    assert not Donation.objects.exists()
    assert not Donor.objects.exists()
    assert not Balance.objects.exists()


def _goods_pledge(world, store):
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="organisation",
        donor_name="河南宝山高科有限责任公司",
        kind="goods",
        lines=[GoodsLine(item(), 500)],
        location=store,
        by=world.hq,
    )
    return gift


def test_the_receive_form_offers_only_active_locations(world) -> None:
    store = location(world.subdistrict, "仓库")
    closed = location(world.community_a, "已撤销库房")
    gift = _goods_pledge(world, store)
    Location.objects.filter(pk=closed.pk).update(active=False)
    page = world.client("hq").get(reverse("supplies:donation", args=[gift.pk])).content.decode()
    assert f'value="{store.pk}"' in page
    assert f'value="{closed.pk}"' not in page


def test_receiving_into_a_deactivated_location_is_refused(world) -> None:
    store = location(world.subdistrict, "仓库")
    closed = location(world.community_a, "已撤销库房")
    gift = _goods_pledge(world, store)
    Location.objects.filter(pk=closed.pk).update(active=False)
    client = world.client("hq")
    url = reverse("supplies:donation_receive", args=[gift.pk])
    response = client.post(url, {"location": closed.pk})
    assert response.status_code == 400
    assert "请选择有效的入库存放点" in response.content.decode()
    # The pledge's own location was closed since: receiving without a choice says so.
    Location.objects.filter(pk=store.pk).update(active=False)
    response = client.post(url, {"location": ""})
    assert response.status_code == 400
    assert "仓库已停用" in response.content.decode()
    gift.refresh_from_db()
    assert gift.status == "pledged"
    assert not Movement.objects.exists()
    assert not Balance.objects.filter(quantity__gt=0).exists()


def test_the_disclosure_and_its_export_open_before_any_area_exists(client) -> None:
    assert client.get(reverse("supplies:disclosure")).status_code == 200
    response = client.get(reverse("supplies:disclosure_export"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[-1][:3] == ("合计", None, "0笔")


def test_a_pledge_shows_no_spendable_balance_until_it_is_received(world) -> None:
    gift = cash(world, "10000", received=False)
    client = world.client("hq")
    page = client.get(reverse("supplies:donation", args=[gift.pk])).content.decode()
    assert "尚未到账，确认到账后才计入可支出的余额" in page
    assert " 元 / " not in page.split("已支出 / 余额")[1].split("</tr>")[0]

    response = client.post(
        reverse("supplies:donation_receive", args=[gift.pk]), {"channel": "bank"}
    )
    assert response.status_code == 302
    page = client.get(reverse("supplies:donation", args=[gift.pk])).content.decode()
    row = page.split("已支出 / 余额")[1].split("</tr>")[0]
    assert row.replace(",", "").endswith("<td>0.00 元 / 10000.00 元</td>")


def test_a_cancelled_pledge_shows_no_balance(world) -> None:
    gift = cash(world, "10000", received=False)
    client = world.client("hq")
    client.post(reverse("supplies:donation_cancel", args=[gift.pk]), {"reason": "对方撤回"})
    page = client.get(reverse("supplies:donation", args=[gift.pk])).content.decode()
    assert "已取消，不计入余额" in page


def test_over_long_notes_are_refused_with_a_chinese_message(world) -> None:
    response = world.client("hq").post(
        reverse("supplies:donation_create"),
        {
            "donor_kind": "person",
            "donor_name": "某人",
            "disclosure": "named",
            "kind": "cash",
            "amount": "100",
            "channel": "cash",
            "received": "on",
            "notes": "备" * 5000,
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "最多 1000 个字（现有 5000 个）" in response.content.decode()
    assert not Donation.objects.exists()


def test_a_spending_amount_below_a_cent_is_explained(world) -> None:
    cash(world, "1000")
    response = world.client("hq").post(
        reverse("supplies:spending_create"),
        {"purpose": purpose().pk, "amount": "10.005", "description": "买口罩"},
    )
    assert response.status_code == 400
    assert "金额最多精确到分（两位小数）" in response.content.decode()
    assert not Spending.objects.exists()


def test_the_disclosure_says_what_it_lists(world) -> None:
    cash(world, "5000")
    page = world.client("anonymous").get(reverse("supplies:disclosure")).content.decode()
    # It lists each gift's spent and balance and the spending per purpose, not
    # "every single expense" (those stay on the internal spending page).
    assert "每笔捐款的已支出和余额" in page
    assert "每一笔支出" not in page


@pytest.mark.parametrize(
    ("name", "kind", "greeting"),
    [
        ("匿名", "person", "尊敬的爱心人士："),
        (" 匿名人士 ", "person", "尊敬的爱心人士："),
        ("无名氏", "person", "尊敬的爱心人士："),
        ("爱心人士", "person", "尊敬的爱心人士："),
        ("匿名", "organisation", "尊敬的爱心单位："),
        ("李顺喜", "person", "尊敬的李顺喜先生/女士："),
        ("河南大林建设工程有限公司", "organisation", "尊敬的河南大林建设工程有限公司："),
    ],
)
def test_the_thanks_letter_greets_a_placeholder_name_sensibly(world, name, kind, greeting) -> None:
    gift = cash(world, "100", name=name, donor_kind=kind)
    response = world.client("hq").get(reverse("supplies:donation_letter", args=[gift.pk]))
    text, _ = _pdf_text_and_fonts(response.content)
    text = "".join(text.split())
    assert greeting in text
    assert "匿名先生" not in text
