"""Goods given without an estimate are not 'worth ¥0.00': the receipt says 未估值 instead
of 人民币零元整, and the public disclosure says so too (its xlsx leaves the cell blank)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from shouwang.supplies import actions
from shouwang.supplies.actions.donations import GoodsLine

from .factories import item, location

pytestmark = pytest.mark.django_db


@pytest.fixture
def gift(world):
    store = location(world.subdistrict, "明湖街道仓库")
    gift, _ = actions.record_donation(
        area=world.subdistrict,
        donor_kind="person",
        donor_name="赵大爷",
        kind="goods",
        lines=[GoodsLine(item("消毒酒精"), 10)],
        location=store,
        received=True,
        by=world.hq,
    )
    gift.refresh_from_db()
    assert gift.receipt_no
    return gift


def test_the_receipt_says_the_goods_were_not_valued(world, gift) -> None:
    response = world.client("hq").get(reverse("supplies:donation_receipt", args=[gift.pk]))
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "未估值" in text
    assert "零元整" not in text
    assert "¥0.00" not in text


def test_the_disclosure_says_the_goods_were_not_valued(client, gift) -> None:
    page = client.get(reverse("supplies:disclosure")).content.decode()
    row = page[page.index(gift.receipt_no) :]
    row = row[: row.index("</tr>")]
    assert "未估值" in row
    assert "0.00" not in row

    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("supplies:disclosure_export")).content)
    ).active
    (line,) = [r for r in sheet.iter_rows(values_only=True) if r[0] == gift.receipt_no]
    assert line[6] is None
