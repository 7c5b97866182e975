"""On 今日随访 an abnormal slot names what was found: the temperature and the
symptoms recorded, so a symptom-only finding does not read just “异常”."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def _tap(world, record, **data) -> None:
    assert f.tap(world.client("grid_a"), record, **data).status_code == 200


def _badge(world) -> str:
    page = world.client("grid_a").get(reverse("watch:today"))
    assert page.status_code == 200
    found = re.search(r'<span class="badge red">(.*?)</span>', page.content.decode(), re.S)
    assert found is not None
    return found.group(1)


def test_a_symptom_only_finding_shows_its_symptoms(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    _tap(world, record, temperature="36.6", symptoms=["cough", "sore_throat"])
    badge = _badge(world)
    assert "异常" in badge
    assert "咳嗽" in badge
    assert "咽痛" in badge


def test_a_fever_with_symptoms_shows_both(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    _tap(world, record, temperature="38.2", symptoms=["fatigue"])
    badge = _badge(world)
    assert "38.2℃" in badge
    assert "乏力" in badge
