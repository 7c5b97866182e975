"""The result page after a first scan: the temperature the resident typed is what they
said, not a warning. A green screen with a red line under it (自报体温 36.5℃ in the
warning colour) made staff at the post and the resident stop and wonder."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from .factories import make_checkpoint, registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def warnings(html: str) -> list[str]:
    """The lines the result page shows in the warning colour."""
    return re.findall(r'<div class="e">([^<]*)</div>', html)


def test_it_shows_a_normal_typed_temperature_as_said_not_as_a_warning(world, gate) -> None:
    data = registration(world, temperature="36.5")
    html = Client().post(reverse("checkin:register", args=[gate.code]), data).content.decode()
    assert 'data-result="g"' in html
    assert warnings(html) == []
    assert '<div id="said">自报体温 36.5℃</div>' in html
    # Nothing to warn about: the page's usual reminder stays.
    assert "请保持佩戴口罩，配合测温。" in html


def test_it_keeps_the_reasons_of_a_yellow_as_warnings_beside_the_typed_temperature(
    world, gate
) -> None:
    data = registration(world, temperature="36.8", cough="on")
    html = Client().post(reverse("checkin:register", args=[gate.code]), data).content.decode()
    assert 'data-result="y"' in html
    assert warnings(html) == ["申报有咳嗽、乏力等症状，请值守人员复测体温"]
    assert '<div id="said">自报体温 36.8℃</div>' in html


def test_a_typed_fever_is_red_with_its_reason_and_the_temperature_said(world, gate) -> None:
    data = registration(world, temperature="38.2")
    html = Client().post(reverse("checkin:register", args=[gate.code]), data).content.decode()
    assert 'data-result="r"' in html
    assert warnings(html)
    assert all("自报体温" not in w for w in warnings(html))
    assert '<div id="said">自报体温 38.2℃</div>' in html
