"""The one-tap page's 其他症状: the box says whether there is one, the line beside it
which — and a screen reader tells the two apart. The line's name is its own label
(其他症状具体为（选填）), said once: no aria-label overriding it with the box's very name,
and no placeholder repeating it (the placeholder is read after the name: an example
only). The browser's own accessibility tree is asked, as a screen reader would."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from shouwang.core.tests.labels import label_problems

from .factories import make_checkpoint, registration

pytestmark = pytest.mark.django_db

LINE = "其他症状具体为（选填）"


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def _tap_page(client: Client, gate) -> str:
    response = client.get(reverse("checkin:scan", args=[gate.code]))
    assert response.status_code == 200
    assert len(response.content) < 100_000
    return response.content.decode()


def test_the_line_is_named_by_its_label_alone(world, gate) -> None:
    client = Client()
    assert client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    text = _tap_page(client, gate)
    line = re.search(r"<input[^>]*id=\"id_other_symptoms\"[^>]*>", text).group(0)
    assert "aria-label" not in line
    placeholder = re.search(r'placeholder="([^"]*)"', line).group(1)
    assert "其他症状" not in placeholder
    assert re.search(rf'<label for="id_other_symptoms"[^>]*>{LINE}</label>', text)
    assert label_problems(text) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_screen_reader_tells_the_box_from_the_line(phone, world) -> None:
    from .test_phone_browser import register

    gate = make_checkpoint(world.compound_a, "西城花园东门")
    register(phone, gate.code)
    phone.goto(f"/c/{gate.code}/")
    declaration = phone.get_by_role("group", name="健康申报")
    assert declaration.get_by_role("checkbox", name="其他症状", exact=True).count() == 1
    assert declaration.get_by_role("textbox", name="其他症状", exact=True).count() == 0
    line = declaration.get_by_role("textbox", name=LINE, exact=True)
    assert line.get_attribute("id") == "id_other_symptoms"
    assert 'textbox "其他症状具体为（选填）"' in declaration.aria_snapshot()
