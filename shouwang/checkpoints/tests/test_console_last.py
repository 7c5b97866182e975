"""The post's console shows the result of what staff just did (``?last=``), whatever
the row's age: a page left open for hours still answers 确认在场 with its result."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from .factories import make_checkin, make_checkpoint, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园北门")


@pytest.mark.parametrize("hours", [1, 5, 30])
def test_confirming_a_row_of_a_page_left_open_shows_its_result(world, gate, hours) -> None:
    row = make_checkin(
        gate,
        person=make_person(world.building_a, "李四"),
        status="declared",
        source="self",
        at=timezone.now() - timedelta(hours=hours),
    )
    response = world.client("guard_a").post(
        reverse("checkpoints:checkin_confirm", args=[row.pk]), follow=True
    )
    page = response.content.decode()
    assert 'id="verdict"' in page
    assert "李四" in page
    assert "值守已确认" in page


def test_last_shows_no_row_of_another_post(world, gate) -> None:
    other = make_checkpoint(world.compound_a, "西城花园南门")
    row = make_checkin(other, person=make_person(world.building_a, "李四"))
    url = reverse("checkpoints:console_post", args=[gate.pk]) + f"?last={row.pk}"
    page = world.client("guard_a").get(url).content.decode()
    assert 'id="verdict"' not in page
