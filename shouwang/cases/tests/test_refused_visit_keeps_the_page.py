"""住户随访's list only reads (GET and HEAD; a POST is 405), yet a refused tap sent
without htmx still comes back to the list with the message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.cases.models import HouseholdVisit
from shouwang.core.tests.taps import assert_reads_only

from .factories import visit_data

pytestmark = pytest.mark.django_db


def test_the_visit_list_answers_get_and_head_only(marked):
    assert_reads_only(marked.client("grid_a"), reverse("cases:visits"))


def test_a_refused_tap_without_htmx_comes_back_to_the_list(marked):
    marked.zhao.moved_out = True
    marked.zhao.save()
    response = marked.client("grid_a").post(
        reverse("cases:visit", args=[marked.zhao.household_id]), visit_data()
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "台账中该户已没有现住人员，无需随访" in html
    assert "今日应随访" in html
    assert not HouseholdVisit.objects.exists()
