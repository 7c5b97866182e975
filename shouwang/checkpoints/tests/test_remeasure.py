"""复测: a reading of 37.3 ℃ or more is followed, after a rest, by a second one. The
latest reading decides the passage, but the first abnormal reading stays on it — shown
on the console — and the fever alert it raised stays open for the community."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from shouwang.watch.models import Alert

from .. import tokens
from ..models import CheckIn
from .factories import make_pass, make_person
from .test_api import post
from .test_measure_correction import measure, scan
from .test_scan_confirms_self_scan import self_scanned

pytestmark = pytest.mark.django_db


def test_a_normal_remeasure_keeps_the_first_fever_reading(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.0")
    row = measure(world, row, "36.8")
    assert (row.temperature, row.first_fever, row.result) == (
        Decimal("36.8"),
        Decimal("38.0"),
        "g",
    )


def test_the_first_fever_reading_is_kept_through_later_ones(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    for reading in ("38.0", "37.0", "38.6", "36.9"):
        row = measure(world, row, reading)
    assert (row.temperature, row.first_fever) == (Decimal("36.9"), Decimal("38.0"))


def test_a_fever_taken_at_the_scan_and_remeasured_is_kept(world, gate) -> None:
    person = make_person(world.building_a)
    client_id = str(uuid.uuid4())
    world.client("guard_a").post(
        reverse("checkpoints:console_scan", args=[gate.pk]),
        {
            "client_id": client_id,
            "token": tokens.phone_token(make_pass(person).code),
            "direction": "in",
            "temperature": "37.8",
        },
    )
    row = measure(world, CheckIn.objects.get(client_id=client_id), "36.6")
    assert (row.temperature, row.first_fever) == (Decimal("36.6"), Decimal("37.8"))


def test_a_fever_at_confirmation_remeasured_is_kept(world, gate) -> None:
    row = self_scanned(world, gate)
    world.client("guard_a").post(
        reverse("checkpoints:checkin_confirm", args=[row.pk]), {"temperature": "38.1"}
    )
    row = measure(world, CheckIn.objects.get(pk=row.pk), "36.7")
    assert (row.status, row.temperature, row.first_fever) == (
        "confirmed",
        Decimal("36.7"),
        Decimal("38.1"),
    )


def test_a_normal_reading_alone_leaves_no_first_fever(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    row = measure(world, row, "36.5")
    row = measure(world, row, "36.7")
    assert row.first_fever is None


def test_the_fever_alert_stays_open_after_a_normal_remeasure(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.5")
    measure(world, row, "36.5")
    alert = Alert.objects.fevers().get()
    assert alert.handled_at is None
    assert "38.5" in alert.title
    pending = world.client("hq").get(reverse("watch:alerts")).content.decode()
    assert "未处置 1" in pending


def test_the_console_shows_the_first_fever_beside_the_remeasure(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.5")
    measure(world, row, "36.5")
    page = world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))
    text = page.content.decode()
    assert "首测38.5℃" in text
    assert "复测36.5℃" in text


def test_the_console_offers_a_remeasure_after_a_fever_reading(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.5")
    page = world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))
    measure_url = reverse("checkpoints:checkin_measure", args=[row.pk])
    assert f'action="{measure_url}"' in page.content.decode()
    assert "复测体温" in page.content.decode()


def test_a_remeasure_sent_again_changes_nothing_more(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.5")
    measure(world, row, "36.5")
    row = measure(world, row, "36.5")
    assert (row.temperature, row.first_fever) == (Decimal("36.5"), Decimal("38.5"))
    assert Alert.objects.fevers().count() == 1


def test_a_remeasure_uploaded_twice_changes_nothing_more(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.5")
    item = {"client_id": str(uuid.uuid4()), "checkpoint": gate.pk, "direction": "in",
            "kind": "measure", "checkin": row.pk, "temperature": "36.5"}  # fmt: skip
    api = world.client("guard_a")
    for _ in range(2):
        assert post(api, [item]).json()["failed"] == 0
    row.refresh_from_db()
    assert (row.temperature, row.first_fever) == (Decimal("36.5"), Decimal("38.5"))
    assert Alert.objects.fevers().open().count() == 1
