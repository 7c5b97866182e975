"""A new gift from a donor already on the books: the contact recorded for the donor is
kept unless the person recording the gift asks for it to be replaced, and a replacement
is audited with the old and new values (masked)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.core import pii
from shouwang.supplies.models import Donation, Donor

from .test_record_donation import cash_form

pytestmark = pytest.mark.django_db


def _gift(client, **overrides):
    return client.post(reverse("supplies:donation_create"), cash_form(**overrides))


def test_it_refuses_to_overwrite_a_donors_phone_silently(world) -> None:
    first = _gift(
        world.client("hq"),
        phone="13912345678",
        contact_name="李顺喜",
        reference="R1",
        client_id="a",
    )
    assert first.status_code == 302
    again = _gift(
        world.client("hq"),
        phone="13787654321",
        contact_name="李小明",
        reference="R2",
        client_id="b",
    )
    assert again.status_code == 400
    page = again.content.decode()
    assert "已登记的联系方式与本次填写的不同" in page
    assert "139****5678" in page
    assert "13912345678" not in page
    donor = Donor.objects.get()
    assert pii.decrypt(donor.phone_enc) == "13912345678"
    assert donor.contact_name == "李顺喜"
    assert Donation.objects.count() == 1


def test_a_gift_without_contact_keeps_the_donors_contact(world) -> None:
    _gift(world.client("hq"), phone="13912345678", reference="R1", client_id="a")
    again = _gift(world.client("hq"), reference="R2", client_id="b")
    assert again.status_code == 302
    assert pii.decrypt(Donor.objects.get().phone_enc) == "13912345678"
    assert Donation.objects.count() == 2


def test_the_same_contact_again_is_not_a_change(world) -> None:
    _gift(world.client("hq"), phone="13912345678", reference="R1", client_id="a")
    again = _gift(world.client("hq"), phone="139 1234 5678", reference="R2", client_id="b")
    assert again.status_code == 302
    assert Donation.objects.count() == 2


def test_it_replaces_the_contact_when_asked_and_audits_the_change(world) -> None:
    _gift(world.client("hq"), phone="13912345678", address="老街1号", client_id="a")
    again = _gift(
        world.client("hq"),
        phone="13787654321",
        address="新街2号",
        reference="R2",
        update_contact="on",
        client_id="b",
    )
    assert again.status_code == 302
    donor = Donor.objects.get()
    assert (pii.decrypt(donor.phone_enc), donor.address) == ("13787654321", "新街2号")
    event = AuditEvent.objects.filter(detail__contains="更新捐赠方联系方式").get()
    assert "139****5678 → 137****4321" in event.detail
    assert "老街1号 → 新街2号" in event.detail
