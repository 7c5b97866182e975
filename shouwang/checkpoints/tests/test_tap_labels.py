"""The resident's one-tap page reads out right on a screen reader, as the registration
page does: the health declaration is a group with a legend, and the other-symptoms box
has a label of its own tied to it (``core.tests.labels``). The page stays tiny."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from shouwang.core.tests.labels import label_problems

from ..models import Pass
from .factories import make_checkpoint, registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


@pytest.fixture
def phone(world, gate) -> Client:
    """A phone that registered here: its next scan is the one-tap page."""
    client = Client()
    assert client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    return client


def _tap_page(phone: Client, gate, **query: str) -> str:
    response = phone.get(reverse("checkin:scan", args=[gate.code]), query)
    assert response.status_code == 200
    assert len(response.content) < 100_000
    text = response.content.decode()
    assert "点一下" in text, "not the one-tap page"
    return text


def test_every_label_of_the_tap_page_names_its_field(phone, gate) -> None:
    assert label_problems(_tap_page(phone, gate)) == []


def test_the_declaration_is_a_group_with_a_legend(phone, gate) -> None:
    text = _tap_page(phone, gate)
    group = re.search(r"<fieldset[^>]*>(.*?)</fieldset>", text, re.S)
    assert group, "no fieldset"
    assert "<legend>健康申报</legend>" in group.group(1)
    for name in ("fever", "cough", "other", "other_symptoms", "risk_travel", "risk_contact"):
        assert f'name="{name}"' in group.group(1), name


def test_the_other_symptoms_box_has_its_own_label(phone, gate) -> None:
    text = _tap_page(phone, gate)
    assert re.search(r'<label for="id_other_symptoms"[^>]*>其他症状', text)


def test_a_family_member_s_tap_page_too(world, phone, gate) -> None:
    """The page for a family member (``?p=``) is the same template, the same groups."""
    phone.post(reverse("checkin:register", args=[gate.code]), registration(world, name="李家人"))
    relative = Pass.objects.get(person__name="李家人")
    text = _tap_page(phone, gate, p=relative.code)
    assert "本次为" in text
    assert label_problems(text) == []
    assert "<legend>健康申报</legend>" in text
