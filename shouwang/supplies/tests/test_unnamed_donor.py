"""A donor's name typed only to stand in for one (无, 匿名, -, N/A, a blank-looking
character …) is a donor who left no name: the receipt says 爱心人士（未留名）, the letter
greets 爱心人士, the public list shows the gift as anonymous whatever was chosen, and
no contact is recorded against such a name (it is not one donor)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from shouwang.supplies.models import Donation, Donor

pytestmark = pytest.mark.django_db

PLACEHOLDERS = ["无", "匿名", "-", "——", "N/A", "暂无", "保密", "\u200b", "？？"]


def _post(client, name: str, kind: str = "person", disclosure: str = "named", **extra):
    return client.post(
        reverse("supplies:donation_create"),
        {
            "donor_kind": kind,
            "donor_name": name,
            "disclosure": disclosure,
            "kind": "cash",
            "amount": "500",
            "channel": "cash",
            "received": "on",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
            **extra,
        },
    )


def _text(response) -> str:
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("name", PLACEHOLDERS)
def test_a_placeholder_name_reads_as_unnamed_everywhere(world, name: str) -> None:
    client = world.client("hq")
    assert _post(client, name).status_code == 302
    gift = Donation.objects.get()
    assert gift.disclosure == Donation.Disclosure.ANONYMOUS

    receipt = _text(client.get(reverse("supplies:donation_receipt", args=[gift.pk])))
    assert "捐赠方爱心人士（未留名）" in receipt
    letter = _text(client.get(reverse("supplies:donation_letter", args=[gift.pk])))
    assert "尊敬的爱心人士：" in letter

    public = world.client("anonymous")
    html = public.get(reverse("supplies:disclosure")).content.decode()
    assert "爱心人士（匿名）" in html
    sheet = public.get(reverse("supplies:disclosure_export"))
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert any("爱心人士（匿名）" in row for row in rows)


def test_an_organisation_without_a_name_is_an_unnamed_organisation(world) -> None:
    client = world.client("hq")
    assert _post(client, "无", kind="organisation", disclosure="masked").status_code == 302
    gift = Donation.objects.get()
    receipt = _text(client.get(reverse("supplies:donation_receipt", args=[gift.pk])))
    assert "捐赠方爱心单位（未留名）" in receipt
    html = world.client("anonymous").get(reverse("supplies:disclosure")).content.decode()
    assert "爱心单位（匿名）" in html
    assert "无*" not in html


def test_a_real_name_is_printed_as_typed(world) -> None:
    client = world.client("hq")
    assert _post(client, "李无", disclosure="named").status_code == 302
    gift = Donation.objects.get()
    assert gift.disclosure == Donation.Disclosure.NAMED
    receipt = _text(client.get(reverse("supplies:donation_receipt", args=[gift.pk])))
    assert "捐赠方李无" in receipt


def test_a_placeholder_name_with_a_contact_is_refused(world) -> None:
    client = world.client("hq")
    response = _post(client, "匿名", phone="13912345678")
    assert response.status_code == 400
    page = response.content.decode()
    assert "未留姓名" in page
    assert "公示方式选“匿名”" in page
    assert not Donation.objects.exists()
    assert not Donor.objects.exists()
    # Two donors who left no name are two gifts, neither refused for the other's phone.
    assert _post(client, "匿名").status_code == 302
    assert _post(client, "匿名").status_code == 302
    assert Donation.objects.count() == 2
