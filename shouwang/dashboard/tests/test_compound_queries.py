"""A compound's dashboard computes its figures when asked (no roll-up rows below a
community): its first view reads the definitions and the area tree once and runs the
indicators' queries once per day of the trend, the same number whatever the number
of buildings, households and persons; the closed days are then kept in the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouwang.areas.tests.factories import child
from shouwang.reports.tests import data

pytestmark = pytest.mark.django_db

# 14 days × the indicators' per-day queries, the shared reads once, the page (a view
# read every day's definitions, area tree and hops: 380 queries).
FIRST_VIEW_AT_MOST = 260
CACHED_VIEW_AT_MOST = 40


def _first_and_cached(client, url) -> tuple[int, int]:
    """Queries of a view with nothing cached, then of the next view (after a view that
    seeds the indicator definitions and touches the session once)."""
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url).status_code == 200
    return len(first), len(cached)


def test_the_compound_dashboard_reads_a_fixed_number_of_queries(world) -> None:
    client = world.client("hq")
    url = f"{reverse('dashboard:index')}?area={world.compound_a.pk}"
    few = _first_and_cached(client, url)
    for n in range(10):
        building = child(world.compound_a, f"{n + 3}号楼", expected_households=6)
        for _ in range(3):
            data.household(building, persons=3)
    more = _first_and_cached(client, url)
    assert more == few
    first, cached = few
    assert first <= FIRST_VIEW_AT_MOST, first
    assert cached <= CACHED_VIEW_AT_MOST, cached


def test_the_wall_and_the_trend_of_a_compound_do_not_grow_either(world) -> None:
    client = world.client("hq")
    urls = [
        f"{reverse('dashboard:wall')}?area={world.compound_a.pk}",
        f"{reverse('reports:trend', args=['fevers'])}?area={world.compound_a.pk}",
    ]
    few = [_first_and_cached(client, url) for url in urls]
    for n in range(10):
        data.household(child(world.compound_a, f"{n + 3}号楼"), persons=2)
    assert [_first_and_cached(client, url) for url in urls] == few
