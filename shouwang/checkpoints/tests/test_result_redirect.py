"""Post/Redirect/Get on the resident's phone: a one-tap scan or a registration that
records a passage answers 303 to its result page, so reloading the result page asks for
it again (GET) and never sends the tap a second time. The result URL carries a signed,
timed token naming the passage — no name, ID or phone number — and shows the passage
only to the phone that remembers its pass, for tokens.RESULT_MINUTES."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from ..models import CheckIn
from ..tokens import RESULT_MINUTES
from .factories import make_checkpoint, registration
from .test_resident import tap_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def _registered(world, gate, **overrides) -> tuple[Client, str]:
    client = Client()
    data = registration(world, **overrides)
    response = client.post(reverse("checkin:register", args=[gate.code]), data)
    assert response.status_code == 303
    return client, response["Location"]


def test_a_tap_redirects_to_a_result_page_that_reloads_without_a_second_row(world, gate) -> None:
    phone, _ = _registered(world, gate)
    response = phone.post(reverse("checkin:scan", args=[gate.code]), tap_data())
    assert response.status_code == 303
    url = response["Location"]
    assert url.startswith(f"/c/{gate.code}/result/")
    assert CheckIn.objects.count() == 2  # the registration's passage and the tap
    for _ in range(3):  # shown, then reloaded twice: each a GET
        page = phone.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert 'data-result="g"' in body
        assert "西城花园东门" in body
        assert "王**" in body
        assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    assert CheckIn.objects.count() == 2


def test_the_result_url_carries_no_personal_data(world, gate) -> None:
    data = registration(world, temperature="36.6")
    phone = Client()
    url = phone.post(reverse("checkin:register", args=[gate.code]), data)["Location"]
    for secret in (data["name"], data["doc_number"], data["phone"], "36.6", "王"):
        assert secret not in url
    page = phone.get(url).content.decode()
    assert "自报体温 36.6℃" in page  # shown as said, from the row, not from the URL
    assert 'id="add"' in page  # 添加家人, offered after a registration


def test_a_registration_reloaded_registers_nothing_more(world, gate) -> None:
    phone, url = _registered(world, gate)
    before = CheckIn.objects.count()
    assert phone.get(url).status_code == 200
    assert phone.get(url).status_code == 200
    assert CheckIn.objects.count() == before == 1


def test_another_phone_cannot_open_the_result_url(world, gate) -> None:
    _, url = _registered(world, gate)
    page = Client().get(url)
    assert page.status_code == 404
    body = page.content.decode()
    assert "结果页已过期" in body
    assert "王" not in body


def test_a_result_page_expires(world, gate) -> None:
    phone, url = _registered(world, gate)
    later = time.time() + (RESULT_MINUTES + 1) * 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        page = phone.get(url)
    assert page.status_code == 404
    assert "重新扫码" in page.content.decode()


def test_a_forged_token_shows_nothing(world, gate) -> None:
    phone, url = _registered(world, gate)
    forged = url.rstrip("/") + "x/"
    assert phone.get(forged).status_code == 404


def test_the_result_page_is_only_read(world, gate) -> None:
    phone, url = _registered(world, gate)
    assert phone.post(url).status_code == 405
    assert CheckIn.objects.count() == 1
