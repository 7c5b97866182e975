"""The 纳入管控 page of a contact looks up the contact's watch category once, for its
refusal check, the planned end and whether the period is over, and keeps its query
count."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouwang.watch.models import Category

from .factories import make_case, make_contact

# The page of a contact of community A's case, for its staff: the session, the user
# and their area; the contact; whether its case is the user's; the category; the
# checks of ``observe_refusal`` (own case, running record, record to resume). With the
# category looked up for the checks, the planned end and the period each, it was 11.
PAGE_QUERIES = 9


def _page(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=3))
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=2))
    return world.client("staff_a"), reverse("cases:contact_observe", args=[contact.pk])


def test_the_observe_page_looks_up_the_category_once(world, today):
    client, url = _page(world, today)
    table = Category._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert "预计至" in response.content.decode()
    lookups = [q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert len(lookups) == 1, lookups


def test_the_observe_page_keeps_its_query_count(world, today, django_assert_num_queries):
    client, url = _page(world, today)
    client.get(url)  # the session read once, like any later page
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
