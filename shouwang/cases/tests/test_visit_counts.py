"""住户随访's header counts follow each tap: the htmx answer carries them out of band,
counted for the page's own filter (a grid worker's own grids or ``all=1``, the chosen
key area), the same as the page shows after a reload; a refused tap leaves them alone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouwang.areas.tests.factories import child
from shouwang.core.tests.taps import assert_refused_keeps_counts, header_counts

from .factories import make_key_area, make_person, visit_data


@pytest.fixture
def east(marked):
    """A second key area in community A, outside grid A1: one household."""
    compound = child(marked.community_a, "东区")
    marked.east_key_area = make_key_area(compound)
    marked.east = make_person(child(compound, "9号楼"), "周杰", room="901")
    return marked


def counts(html: str, *, oob: bool) -> str:
    return header_counts(html, "visit-counts", oob=oob)


def tap(client, resident, query: str = "", *, unreached: bool = False, **data):
    name = "cases:visit_unreached" if unreached else "cases:visit"
    url = reverse(name, args=[resident.household_id]) + query
    return client.post(url, visit_data(**data), HTTP_HX_REQUEST="true")


def page(client, query: str = "") -> str:
    return counts(client.get(reverse("cases:visits") + query).content.decode(), oob=False)


def test_a_grid_worker_s_tap_counts_their_own_grids(east):
    client = east.client("grid_a")
    assert page(client) == "今日应随访 3 户，已随访 0 户"
    response = tap(client, east.zhang)
    assert response.status_code == 200
    assert counts(response.content.decode(), oob=True) == "今日应随访 3 户，已随访 1 户"
    response = tap(client, east.wang, unreached=True)
    assert counts(response.content.decode(), oob=True) == (
        "今日应随访 3 户，已随访 1 户，未联系上 1 户"
    )
    response = tap(client, east.zhao, person=east.zhao.pk, temperature="38.5")
    assert counts(response.content.decode(), oob=True) == (
        "今日应随访 3 户，已随访 2 户，未联系上 1 户，异常 1 户"
    )
    assert page(client) == "今日应随访 3 户，已随访 2 户，未联系上 1 户，异常 1 户"


def test_a_grid_worker_s_tap_on_the_community_list_counts_the_community(east):
    client = east.client("grid_a")
    assert page(client, "?all=1") == "今日应随访 4 户，已随访 0 户"
    listed = client.get(reverse("cases:visits"), {"all": "1"}).content.decode()
    url = reverse("cases:visit", args=[east.east.household_id])
    assert f'hx-post="{url}?all=1"' in listed
    response = tap(client, east.east, "?all=1")
    assert counts(response.content.decode(), oob=True) == "今日应随访 4 户，已随访 1 户"
    assert f'hx-post="{url}?all=1"' in response.content.decode()
    assert page(client, "?all=1") == "今日应随访 4 户，已随访 1 户"
    assert page(client) == "今日应随访 3 户，已随访 0 户"


def test_community_staff_s_tap_counts_the_community_or_the_chosen_key_area(east):
    client = east.client("staff_a")
    assert page(client) == "今日应随访 4 户，已随访 0 户"
    response = tap(client, east.zhang)
    assert counts(response.content.decode(), oob=True) == "今日应随访 4 户，已随访 1 户"
    only_east = f"?key_area={east.east_key_area.pk}"
    assert page(client, only_east) == "今日应随访 1 户，已随访 0 户"
    response = tap(client, east.east, only_east)
    assert counts(response.content.decode(), oob=True) == "今日应随访 1 户，已随访 1 户"
    assert page(client, only_east) == "今日应随访 1 户，已随访 1 户"
    assert page(client) == "今日应随访 4 户，已随访 2 户"


def test_a_repeated_tap_still_counts(east):
    client = east.client("grid_a")
    tap(client, east.zhang)
    response = tap(client, east.zhang, method="phone")
    assert response.status_code == 200
    assert "未重复保存" in response.content.decode()
    assert counts(response.content.decode(), oob=True) == "今日应随访 3 户，已随访 1 户"


@pytest.mark.parametrize("unreached", [False, True])
def test_a_refused_tap_leaves_the_counts_alone(east, unreached):
    response = tap(east.client("grid_a"), east.zhang, unreached=unreached, method="fax")
    assert_refused_keeps_counts(response, "visit-counts")


def test_the_plain_form_still_redirects(east):
    response = east.client("grid_a").post(
        reverse("cases:visit", args=[east.zhang.household_id]), visit_data()
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:visits")


def test_a_tap_reads_as_many_queries_with_more_households(east):
    client = east.client("staff_a")
    client.get(reverse("cases:visits"))  # the first request of a session reads more

    def queries(person) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert tap(client, person).status_code == 200
        return len(captured)

    few = queries(east.zhang)
    for n in range(6):
        person = make_person(east.building_a2, f"新住户{n}", room=f"5{n:02d}")
        tap(client, person, unreached=bool(n % 2))
    assert queries(east.wang) == few
