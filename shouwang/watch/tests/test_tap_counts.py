"""今日随访's header counts follow each tap: the htmx answer carries them out of band,
counted for the page's own filter (a grid worker's own list, or ``all=1``), the same as
the page shows after a reload; a refused tap leaves them alone."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouwang.areas.tests.factories import child
from shouwang.core.tests.taps import assert_refused_keeps_counts, header_counts
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world, clock, policy_a):
    """At 10:30, two slots each (上午 open, 下午 upcoming): 我的 on grid A1, 别人的 in
    another compound of community A."""
    clock.set(clock.today, 9, 0)
    mine = f.key_person(world.building_a, "我的")
    other = f.key_person(child(child(world.community_a, "东区"), "9号楼"), "别人的")
    clock.set(clock.today, 10, 30)
    return mine, other


def counts(html: str, *, oob: bool) -> str:
    return header_counts(html, "followup-counts", oob=oob)


def page(client, query: str = "") -> str:
    return counts(client.get(reverse("watch:today") + query).content.decode(), oob=False)


def test_a_grid_worker_s_tap_counts_their_own_list(world, records) -> None:
    mine, _ = records
    client = world.client("grid_a")
    assert page(client) == "应随访 2 次，已完成 0 次"
    response = f.tap(client, mine)
    assert response.status_code == 200
    assert counts(response.content.decode(), oob=True) == "应随访 2 次，已完成 1 次"
    assert page(client) == "应随访 2 次，已完成 1 次"


def test_a_grid_worker_s_tap_on_the_community_list_counts_the_community(world, records) -> None:
    _, other = records
    client = world.client("grid_a")
    assert page(client, "?all=1") == "应随访 4 次，已完成 0 次"
    # The cards of the community list post with its filter, so their answers count it.
    assert f'hx-post="{reverse("watch:followup", args=[other.pk])}?all=1"' in (
        client.get(reverse("watch:today"), {"all": "1"}).content.decode()
    )
    response = f.tap(client, other, "?all=1")
    assert counts(response.content.decode(), oob=True) == "应随访 4 次，已完成 1 次"
    assert 'hx-post="' + reverse("watch:followup", args=[other.pk]) + '?all=1"' in (
        response.content.decode()
    )
    assert page(client, "?all=1") == "应随访 4 次，已完成 1 次"
    assert page(client) == "应随访 2 次，已完成 0 次"


def test_community_staff_s_tap_counts_the_community(world, records) -> None:
    mine, other = records
    client = world.client("staff_a")
    assert page(client) == "应随访 4 次，已完成 0 次"
    f.tap(client, mine)
    response = f.tap(client, other, method="visit")
    assert counts(response.content.decode(), oob=True) == "应随访 4 次，已完成 2 次"
    assert page(client) == "应随访 4 次，已完成 2 次"


def test_a_repeated_tap_still_counts(world, records) -> None:
    mine, _ = records
    client = world.client("grid_a")
    f.tap(client, mine)
    response = f.tap(client, mine, method="visit")
    assert response.status_code == 200
    assert "本时段已有记录" in response.content.decode()
    assert counts(response.content.decode(), oob=True) == "应随访 2 次，已完成 1 次"


def test_a_refused_tap_leaves_the_counts_alone(world, records) -> None:
    mine, _ = records
    response = f.tap(world.client("grid_a"), mine, temperature="99")
    assert_refused_keeps_counts(response, "followup-counts")


def test_the_plain_form_still_redirects(world, records) -> None:
    mine, _ = records
    data = {"client_id": str(uuid.uuid4()), "slot": "1", "method": "phone"}
    response = world.client("grid_a").post(reverse("watch:followup", args=[mine.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("watch:today")


def test_a_tap_reads_as_many_queries_with_more_records(world, clock, records) -> None:
    mine, other = records
    client = world.client("staff_a")
    client.get(reverse("watch:today"))  # the first request of a session reads more

    def queries(record) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert f.tap(client, record).status_code == 200
        return len(captured)

    few = queries(mine)
    for n in range(6):
        record = f.key_person(world.building_a2, f"王{n}")
        if n % 2:
            f.tap(client, record)
    assert queries(other) == few
