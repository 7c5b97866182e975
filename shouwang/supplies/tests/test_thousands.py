"""Quantities and money are grouped by three on pages, lists, the public disclosure
and the PDFs (178,260; 37,500.00) — and stay plain numbers in spreadsheet cells and
form inputs."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.supplies import actions
from shouwang.supplies.actions.donations import GoodsLine

from .factories import item, location, stock
from .test_donations import _pdf_text_and_fonts, cash

pytestmark = pytest.mark.django_db


def test_the_overview_ledger_and_location_group_quantities(world) -> None:
    place = location(world.subdistrict, "街道库房")
    stock(place, 178260)
    client = world.client("hq")
    for url in (
        reverse("supplies:overview"),
        reverse("supplies:ledger"),
        reverse("supplies:location", args=[place.pk]),
    ):
        page = client.get(url).content.decode()
        assert "178,260" in page, url
        assert "178260" not in page, url


def test_the_ledger_export_keeps_quantities_as_numbers(world) -> None:
    stock(location(world.subdistrict, "街道库房"), 178260)
    response = world.client("hq").get(reverse("supplies:ledger_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert 178260 in rows[1]


def test_donation_pages_and_disclosure_group_money(world) -> None:
    gift = cash(world, "1237500", name="河南大林建设工程有限公司", donor_kind="organisation")
    client = world.client("hq")
    for url in (
        reverse("supplies:donations"),
        reverse("supplies:donation", args=[gift.pk]),
        reverse("supplies:disclosure"),
        reverse("supplies:spending"),
    ):
        page = client.get(url).content.decode()
        assert "1,237,500.00" in page, url
        assert "1237500" not in page, url


def test_goods_quantities_are_grouped_on_the_donation_page(world) -> None:
    place = location(world.subdistrict, "街道库房")
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="organisation",
        donor_name="郑州某医疗器械公司",
        kind="goods",
        lines=[GoodsLine(item=item(), quantity=120000, estimated_value=Decimal("60000"))],
        location=place,
        disclosure="named",
        received=True,
        by=world.hq,
    )
    page = world.client("hq").get(reverse("supplies:donation", args=[gift.pk])).content.decode()
    assert "120,000" in page
    assert "60,000.00" in page


def test_the_receipt_and_letter_group_the_amount(world) -> None:
    gift = cash(world, "37500", name="河南大林建设工程有限公司", donor_kind="organisation")
    client = world.client("hq")
    receipt, _ = _pdf_text_and_fonts(
        client.get(reverse("supplies:donation_receipt", args=[gift.pk])).content
    )
    assert "37,500.00" in receipt
    assert "叁万柒仟伍佰元整" in receipt
    letter, _ = _pdf_text_and_fonts(
        client.get(reverse("supplies:donation_letter", args=[gift.pk])).content
    )
    assert "37,500.00" in letter.replace("\n", "")


def test_the_donation_export_keeps_money_as_numbers(world) -> None:
    cash(world, "37500")
    response = world.client("hq").get(reverse("supplies:donations_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert any(cell == 37500 for cell in rows[1]), rows[1]


def test_form_inputs_keep_plain_numbers(world) -> None:
    """A value typed back into a form is never grouped: 1,500 would not parse."""
    response = world.client("hq").post(
        reverse("supplies:donation_create"),
        {"kind": "cash", "donor_kind": "person", "donor_name": "", "amount": "1500000"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="1500000"' in page
    assert "1,500,000" not in page
