"""The receipt's 经办人 is the person who confirmed the arrival, not the one who
recorded the pledge: the gift keeps who received it (``Donation.received_by``)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.supplies.models import Donation

pytestmark = pytest.mark.django_db


def test_the_receipt_names_who_received_the_gift(world, cash_gift) -> None:
    world.hq.full_name = "张登记"
    world.hq.save(update_fields=["full_name"])
    cashier = UserFactory(
        username="cashier", full_name="王收款", role=Role.HQ_ADMIN, area=world.subdistrict
    )
    pledge = cash_gift("李顺喜", "500", received=False)
    client = world.client("anonymous")
    client.force_login(cashier)
    response = client.post(
        reverse("supplies:donation_receive", args=[pledge.pk]), {"channel": "bank"}
    )
    assert response.status_code == 302, response.content.decode()
    gift = Donation.objects.get(pk=pledge.pk)
    assert gift.created_by == world.hq
    assert gift.received_by == cashier

    pdf = client.get(reverse("supplies:donation_receipt", args=[gift.pk]))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "经办人：王收款" in text.replace(" ", "")
    assert "张登记" not in text
    page = client.get(reverse("supplies:donation", args=[gift.pk])).content.decode()
    assert "王收款" in page
