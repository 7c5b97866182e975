"""Today's figures on the post's console: counted from the post's rows, refreshed with
the list of rows, and a batch uploaded twice (its answer lost) counted once."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from .. import tokens
from ..models import local_day_bounds
from .factories import make_checkin, make_checkpoint, make_pass, make_person

pytestmark = pytest.mark.django_db
BATCH = "/api/v1/checkpoints/checkins"


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园北门")


def shown(html: str) -> dict[str, int]:
    """The figures the console shows, by name (``data-figure``)."""
    counts = re.search(r'<div id="counts".*?</div>', html, re.S)
    assert counts is not None, "the console shows today's figures"
    return {
        name: int(value)
        for name, value in re.findall(r'data-figure="(\w+)"[^>]*>[^<]*<b>(\d+)</b>', counts[0])
    }


def console(client, gate, **headers) -> str:
    response = client.get(reverse("checkpoints:console_post", args=[gate.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_console_shows_today_s_figures_of_its_post(world, gate) -> None:
    person = make_person(world.building_a, "钱居民")
    make_checkin(gate, person=person, source="self", status="declared")
    make_checkin(gate, subject="v", plate="豫A12345", occupants=3)
    make_checkin(gate, status="turned_back", result="r", occupants=2)
    make_checkin(gate, direction="out", temperature=Decimal("38.1"), result="r")
    start, _ = local_day_bounds(timezone.localdate())
    make_checkin(gate, at=start - timedelta(minutes=1))  # yesterday
    make_checkin(make_checkpoint(world.compound_a, "西城花园南门"))  # another post
    assert shown(console(world.client("guard_a"), gate)) == {
        "people_in": 4,  # the resident and the car's three
        # The feverish person going out is red and waits for staff (放行 or 劝返).
        "people_out": 0,
        "vehicles_checked": 1,
        "people_turned_back": 2,
        "fevers": 1,
        "declared": 1,
        "exits_pending": 1,
        "people_released": 0,
    }


def test_the_refreshed_list_brings_the_figures_with_it(world, gate) -> None:
    client = world.client("guard_a")
    assert shown(console(client, gate))["people_in"] == 0
    make_checkin(gate, subject="v", plate="豫A12345", occupants=2)
    rows = console(client, gate, HTTP_HX_REQUEST="true")
    assert 'id="rows"' in rows
    assert re.search(r'<div id="counts"[^>]* hx-swap-oob="true"', rows)
    assert shown(rows)["people_in"] == 2
    assert shown(rows)["vehicles_checked"] == 1
    full = console(client, gate)
    assert full.count('id="counts"') == 1, "the full page draws the figures once"


def test_the_figures_cost_the_refresh_one_query(world, gate, django_assert_max_num_queries) -> None:
    for _ in range(5):
        make_checkin(gate, person=make_person(world.building_a))
    client = world.client("guard_a")
    console(client, gate, HTTP_HX_REQUEST="true")
    # Session, user, the user's area, the checkpoint, the list — and the figures.
    with django_assert_max_num_queries(6):
        console(client, gate, HTTP_HX_REQUEST="true")


def test_a_batch_sent_again_is_counted_once(world, gate) -> None:
    """The phone sent its queue, the server stored it, the answer was lost: the queue is
    sent again. The figures are those of one batch."""
    pass_ = make_pass(make_person(world.building_a, "钱居民"))
    now = timezone.now().isoformat()
    item = {"checkpoint": gate.pk, "direction": "in", "at": now}
    items = [
        {
            **item,
            "client_id": str(uuid.uuid4()),
            "kind": "vehicle",
            "plate": "豫A12345",
            "occupants": 2,
        },
        {
            **item,
            "client_id": str(uuid.uuid4()),
            "kind": "turn_back",
            "reason": "无证",
            "occupants": 3,
        },
        {
            **item,
            "client_id": str(uuid.uuid4()),
            "kind": "pass",
            "token": tokens.phone_token(pass_.code),
            "temperature": "37.8",
        },
    ]
    client = world.client("guard_a")
    once = {"people_in": 3, "vehicles_checked": 1, "people_turned_back": 3, "fevers": 1}

    def upload() -> dict:
        response = client.post(BATCH, json.dumps({"items": items}), content_type="application/json")
        assert response.status_code == 200
        return response.json()

    assert upload()["stored"] == 3
    figures = shown(console(client, gate, HTTP_HX_REQUEST="true"))
    assert {k: figures[k] for k in once} == once
    again = upload()
    assert (again["stored"], again["duplicates"], again["failed"]) == (0, 3, 0)
    figures = shown(console(client, gate, HTTP_HX_REQUEST="true"))
    assert {k: figures[k] for k in once} == once
