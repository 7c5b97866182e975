"""劝返 of a passage already on the post's list (a red self-scan, a red pass scan): the
row itself is turned back, so the person is counted once — in 劝返, not in 进/出 as
well — on the console, in the community's figures and in the daily report."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.reports import days
from shouwang.reports.rollup import auto_values

from ..models import CheckIn
from .factories import make_checkin, make_checkpoint, make_person

pytestmark = pytest.mark.django_db
BATCH = "/api/v1/checkpoints/checkins"


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


@pytest.fixture
def red_self_scan(world, gate) -> CheckIn:
    return make_checkin(
        gate,
        person=make_person(world.building_a, "钱发热"),
        source="self",
        status="declared",
        result="r",
        fever=True,
        note="申报发热",
    )


def turn_back(client, row: CheckIn, reason: str = "发热，劝其就医"):
    return client.post(reverse("checkpoints:checkin_turn_back", args=[row.pk]), {"reason": reason})


def test_the_console_offers_劝返_on_a_declared_self_scan(world, gate, red_self_scan) -> None:
    page = world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))
    assert (
        reverse("checkpoints:checkin_turn_back", args=[red_self_scan.pk]) in page.content.decode()
    )


def test_a_red_self_scan_turned_back_counts_once(world, gate, red_self_scan) -> None:
    response = turn_back(world.client("guard_a"), red_self_scan)
    assert response.status_code == 302
    red_self_scan.refresh_from_db()
    assert red_self_scan.status == CheckIn.Status.TURNED_BACK
    assert red_self_scan.result == "r"
    assert red_self_scan.recorded_by == world.guard_a
    assert red_self_scan.note.startswith("劝返：发热，劝其就医")
    assert CheckIn.objects.count() == 1
    figures = CheckIn.objects.figures()
    assert (figures["people_in"], figures["people_turned_back"], figures["people_checked"]) == (
        0,
        1,
        1,
    )
    start = timezone.now() - timezone.timedelta(hours=1)
    end = timezone.now() + timezone.timedelta(hours=1)
    community = CheckIn.objects.community_figures(world.community_a, start, end)
    assert (community["people_in"], community["people_turned_back"]) == (0, 1)
    per = CheckIn.objects.per_checkpoint()[gate.pk]
    assert (per["people_in"], per["people_turned_back"]) == (0, 1)
    auto = auto_values(world.community_a, days.day_of(timezone.now()))
    assert (auto["persons_checked"], auto["persons_turned_back"]) == (1, 1)


def test_turning_back_twice_changes_nothing_more(world, gate, red_self_scan) -> None:
    client = world.client("guard_a")
    turn_back(client, red_self_scan)
    assert turn_back(client, red_self_scan, "另一个原因").status_code == 302
    red_self_scan.refresh_from_db()
    assert "另一个原因" not in red_self_scan.note
    assert CheckIn.objects.figures()["people_turned_back"] == 1


def test_a_turn_back_without_a_reason_is_refused(world, gate, red_self_scan) -> None:
    response = turn_back(world.client("guard_a"), red_self_scan, "  ")
    assert response.status_code == 400
    assert "劝返原因" in response.content.decode()
    red_self_scan.refresh_from_db()
    assert red_self_scan.status == CheckIn.Status.DECLARED


def test_another_community_s_staff_cannot_turn_the_row_back(world, red_self_scan) -> None:
    assert turn_back(world.client("staff_b"), red_self_scan).status_code == 404
    red_self_scan.refresh_from_db()
    assert red_self_scan.status == CheckIn.Status.DECLARED


def test_a_turn_back_made_offline_lands_on_the_row(world, gate, red_self_scan) -> None:
    item = {
        "client_id": str(uuid.uuid4()),
        "checkpoint": gate.pk,
        "direction": "in",
        "kind": "turn_back",
        "checkin": red_self_scan.pk,
        "reason": "发热",
    }
    client = world.client("guard_a")
    for _ in range(2):
        response = client.post(
            BATCH, json.dumps({"items": [item]}), content_type="application/json"
        )
        assert response.status_code == 200
        result = response.json()["results"][0]
        assert (result["ok"], result["updated"], result["status"]) == (True, True, "turned_back")
    assert CheckIn.objects.count() == 1
    assert CheckIn.objects.figures()["people_turned_back"] == 1
