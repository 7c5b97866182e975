"""出入证 as community staff read it on the desktop: whose home each pass is (a building
name alone, 1号楼, is every compound's), and 发放纸质出入证 refused without losing what
was typed."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ..models import Pass
from .factories import make_pass, make_person

pytestmark = pytest.mark.django_db


def test_each_pass_names_the_compound_of_its_building(world) -> None:
    make_pass(make_person(world.building_a, "钱老人"))
    page = world.client("staff_a").get(reverse("checkpoints:passes")).content.decode()
    row = re.search(r'<tr id="pass-\d+">(.*?)</tr>', page, re.S).group(1)
    assert "<td>西城花园1号楼</td>" in row


def test_the_card_form_labels_its_day(world) -> None:
    page = world.client("staff_a").get(reverse("checkpoints:passes")).content.decode()
    assert re.search(r"<label>有效期至[^<]*<input type=\"date\" name=\"valid_until\"", page)


def test_a_number_not_in_the_ledger_is_refused_with_the_number_kept(world) -> None:
    response = world.client("staff_a").post(
        reverse("checkpoints:card_issue"),
        {
            "client_id": str(uuid.uuid4()),
            "doc_number": "410105199001011234",
            "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "辖区台账中没有这个证件号码的人员" in page
    assert 'value="410105199001011234"' in page
    assert f'value="{(timezone.localdate() + timedelta(days=30)).isoformat()}"' in page
    assert not Pass.objects.exists()


def test_a_past_day_is_refused_with_what_was_typed_kept(world) -> None:
    person = make_person(world.building_a, "钱老人")
    yesterday = timezone.localdate() - timedelta(days=1)
    response = world.client("staff_a").post(
        reverse("checkpoints:card_issue"),
        {
            "client_id": str(uuid.uuid4()),
            "doc_number": person.document_number,
            "valid_until": yesterday.isoformat(),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "有效期不能早于今天" in page
    assert f'value="{person.document_number}"' in page
    assert f'value="{yesterday.isoformat()}"' in page
    assert not Pass.objects.exists()


def test_the_page_drawn_again_carries_a_new_client_id(world) -> None:
    """Nothing was written: the corrected form is a new page's (as a reload's was)."""
    sent = str(uuid.uuid4())
    page = (
        world.client("staff_a")
        .post(
            reverse("checkpoints:card_issue"),
            {"client_id": sent, "doc_number": "410105199001011234"},
        )
        .content.decode()
    )
    drawn = re.search(r'name="client_id" value="([0-9a-f-]{36})"', page).group(1)
    assert drawn != sent
