"""今日随访 is a phone page, often opened on a weak signal: its HTML for a full page of
cards stays within a budget."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.watch.tests import factories as f
from shouwang.watch.views.followups import CARDS_PER_PAGE

pytestmark = pytest.mark.django_db

# Bytes of HTML for 40 cards, each with the morning slot overdue and the afternoon one
# open (the heaviest card: two slots with their buttons and 异常 forms). It was 349 KB
# with a CSRF token in each of the card's 11 forms (htmx sends it as a header) and the
# symptom boxes repeated in every 异常 form (now once for the page); about 236 KB now,
# and about 6 KB gzipped, as a phone receives it (``TextGZipMiddleware``).
BUDGET = 245_000
GZIPPED_BUDGET = 15_000


def test_a_full_page_of_cards_stays_within_its_budget(world, clock, policy_a) -> None:
    clock.set(clock.today, 7, 0)
    for i in range(CARDS_PER_PAGE + 1):
        f.key_person(world.building_a, f"王{i:02d}", responsible=world.grid_worker_a)
    clock.set(clock.today, 15, 0)
    response = world.client("grid_a").get(reverse("watch:today"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="w-card') == CARDS_PER_PAGE
    assert page.count("已逾期，可补记") == CARDS_PER_PAGE
    size = len(response.content)
    assert size < BUDGET, f"{size} bytes for {CARDS_PER_PAGE} cards, budget {BUDGET}"
    sent = len(
        world.client("grid_a").get(reverse("watch:today"), HTTP_ACCEPT_ENCODING="gzip").content
    )
    assert sent < GZIPPED_BUDGET, f"{sent} bytes gzipped, budget {GZIPPED_BUDGET}"
