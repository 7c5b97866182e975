"""The resident's registration page reads out right on a screen reader: every label is
tied to its field, and the choices (身份, 本次) and the health declaration are groups
with a legend (``core.tests.labels``)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from shouwang.core.tests.labels import label_problems

from .factories import make_checkpoint, registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def test_the_checker_finds_a_label_tied_to_nothing():
    html = '<label>身份</label><div><label><input type="radio" name="k" id="k0">居民</label></div>'
    assert label_problems(html) == ["<label>身份</label>: neither for= nor a control inside"]


def test_the_checker_wants_a_radio_group_in_a_fieldset_with_a_legend():
    radios = "".join(f'<label><input type="radio" name="k">{n}</label>' for n in ("居民", "访客"))
    assert label_problems(radios) == ["radio group k: not in a fieldset with a legend"]
    assert label_problems(f"<fieldset><legend>身份</legend>{radios}</fieldset>") == []


def test_every_label_of_the_registration_page_names_its_field(gate):
    response = Client().get(reverse("checkin:register", args=[gate.code]))
    assert response.status_code == 200
    assert label_problems(response.content.decode()) == []


def test_the_page_with_errors_too(world, gate):
    data = registration(world, name="", room="", phone="123")
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert response.status_code == 400
    assert label_problems(response.content.decode()) == []


def test_the_choices_are_groups_with_a_legend(gate):
    text = Client().get(reverse("checkin:register", args=[gate.code])).content.decode()
    assert "<legend>身份</legend>" in text
    assert "<legend>本次</legend>" in text
    assert "<legend>健康申报</legend>" in text
