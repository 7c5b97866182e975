"""The result page right after a resident's first registration offers 添加家人, as
the one-tap page of every later scan does: the adult at the gate with a parent who
has no phone is shown where to register them next."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .factories import make_checkpoint, registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def test_the_first_registrations_result_offers_添加家人(world, gate) -> None:
    client = Client()
    response = client.post(
        reverse("checkin:register", args=[gate.code]), registration(world, name="王小明")
    )
    assert response.status_code == 200
    page = response.content.decode()
    link = reverse("checkin:register", args=[gate.code])
    assert f'<a id="add" href="{link}">添加家人</a>' in page
    form = client.get(link)
    assert "添加家人" in form.content.decode()
