"""The one-tap limit (SELF_CHECKINS_PER_PASS an hour) counts passages, not requests: a
reload that sends the same tap again (its client id) shows the same passage and is not
counted a second time."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ..models import CheckIn
from .factories import make_checkpoint, registration
from .test_resident import tap_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


@pytest.fixture
def phone(world, gate, settings) -> Client:
    settings.SELF_CHECKINS_PER_PASS = 2
    client = Client()
    client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    return client


def test_it_does_not_count_a_resent_tap(gate, phone) -> None:
    scan = reverse("checkin:scan", args=[gate.code])
    first = tap_data()
    for _ in range(4):  # the tap, then three reloads sending it again
        response = phone.post(scan, first)
        assert response.status_code == 200
        assert 'data-result="g"' in response.content.decode()
    assert CheckIn.objects.count() == 2  # the registration's passage and the tap
    assert phone.post(scan, tap_data()).status_code == 200
    refused = phone.post(scan, tap_data())
    assert refused.status_code == 429
    assert "扫码过于频繁" in refused.content.decode()
    assert CheckIn.objects.count() == 3


def test_a_resent_refused_tap_is_still_refused(gate, phone) -> None:
    scan = reverse("checkin:scan", args=[gate.code])
    for _ in range(2):
        assert phone.post(scan, tap_data()).status_code == 200
    over = tap_data()
    assert phone.post(scan, over).status_code == 429
    assert phone.post(scan, over).status_code == 429
    assert CheckIn.objects.count() == 3
