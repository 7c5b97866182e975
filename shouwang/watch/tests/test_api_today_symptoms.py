"""``GET /api/v1/watch/today`` names the symptoms of an abnormal slot, as the phone
page 今日随访 does (codes and their Chinese labels), and still nothing that identifies
the person beyond the masked phone."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db
SHEET = "/api/v1/watch/today"


def _tap(world, record, **data) -> None:
    assert f.tap(world.client("grid_a"), record, **data).status_code == 200


def _morning(world) -> dict:
    response = world.client("grid_a").get(SHEET)
    assert response.status_code == 200
    (card,) = response.json()["cards"]
    return card["slots"][0]["followup"]


def test_a_symptom_only_finding_names_its_symptoms(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    _tap(world, record, temperature="36.6", symptoms=["cough", "sore_throat"], note="13912345678")
    done = _morning(world)
    assert done["abnormal"] is True
    assert done["symptoms"] == ["cough", "sore_throat"]
    assert done["symptom_labels"] == ["咳嗽", "咽痛"]
    # The same words as the page's card.
    page = world.client("grid_a").get(reverse("watch:today")).content.decode()
    assert "咳嗽、咽痛" in page
    text = json.dumps(world.client("grid_a").get(SHEET).json(), ensure_ascii=False)
    assert record.person.phone not in text
    assert record.person.document_number not in text


def test_a_normal_slot_has_no_symptoms(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    _tap(world, record)
    done = _morning(world)
    assert done["abnormal"] is False
    assert (done["symptoms"], done["symptom_labels"]) == ([], [])


def test_the_schema_describes_the_symptoms(world) -> None:
    schema = world.client("grid_a").get("/api/v1/openapi.json").json()
    done = schema["components"]["schemas"]["FollowUpDone"]["properties"]
    assert {"symptoms", "symptom_labels"} <= set(done)
