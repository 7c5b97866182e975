"""Pages and API answers reach a browser that accepts gzip compressed (phones on weak
signals); spreadsheets, already compressed, are sent as they are."""

import gzip
import json

import pytest
from django.urls import reverse

from shouwang.people.tests.factories import make_household, make_person
from shouwang.watch.tests import factories as watch_factories

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_a_page_of_cards_is_gzipped_to_a_fraction(world) -> None:
    for i in range(20):
        watch_factories.key_person(world.building_a, f"王{i:02d}", responsible=world.grid_worker_a)
    client = world.client("grid_a")
    plain = client.get(reverse("watch:today"))
    packed = client.get(reverse("watch:today"), **GZIP)
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert page.count('class="w-card') == 20
    assert len(packed.content) < len(plain.content) / 4


def test_an_api_answer_is_gzipped(world) -> None:
    for i in range(5):
        watch_factories.key_person(world.building_a, f"李{i}", responsible=world.grid_worker_a)
    response = world.client("grid_a").get(reverse("api:watch_today"), **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["count"] == 5


def test_a_spreadsheet_is_sent_as_it_is(world) -> None:
    make_person(make_household(world.building_a))
    response = world.client("staff_a").post(reverse("people:export"), **GZIP)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Content-Encoding" not in response
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"PK")
