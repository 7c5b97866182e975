"""Staff scanning the pass of a person who has just self-scanned at the post confirm
that passage instead of recording a second one (which double-counted 外出人数 and, with
a quota of one a day, turned the person red with a false quota alert)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.watch.models import Alert

from .. import tokens
from ..models import CheckIn, PassRule
from .factories import make_checkpoint, registration
from .test_resident import tap_data

pytestmark = pytest.mark.django_db


def self_scanned(world, gate, direction: str = "out") -> CheckIn:
    """A resident registered earlier and now taps at the gate."""
    phone = Client()
    phone.post(reverse("checkin:register", args=[gate.code]), registration(world, direction="in"))
    CheckIn.objects.update(at=timezone.now() - timedelta(hours=2))
    phone.post(reverse("checkin:scan", args=[gate.code]), tap_data(direction=direction))
    return CheckIn.objects.latest("at")


def staff_scan(world, gate, row: CheckIn, **extra):
    data = {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(row.pass_used.code),
        "direction": row.direction,
        **extra,
    }
    return world.client("guard_a").post(
        reverse("checkpoints:console_scan", args=[gate.pk]), data
    ), data


def test_the_scan_confirms_the_self_scan_instead_of_adding_a_passage(world, gate) -> None:
    row = self_scanned(world, gate)
    response, _ = staff_scan(world, gate, row, temperature="36.6")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?last={row.pk}")
    assert CheckIn.objects.filter(direction="out").count() == 1
    row.refresh_from_db()
    assert (row.status, row.recorded_by, row.temperature) == (
        "confirmed",
        world.guard_a,
        Decimal("36.6"),
    )
    assert row.confirmed_at is not None
    shown = world.client("guard_a").get(response["Location"]).content.decode()
    assert "已确认为同一次通行" in shown
    assert "值守已确认" in shown
    start = timezone.now() - timedelta(hours=1)  # after the registration's passage
    figures = CheckIn.objects.filter(checkpoint=gate).between(start, timezone.now()).figures()
    assert (figures["people_out"], figures["declared"], figures["confirmed"]) == (1, 0, 1)


def test_with_a_quota_of_one_the_person_stays_green_and_no_alert(world, gate) -> None:
    PassRule.objects.create(area=world.compound_a, outing_quota=1)
    row = self_scanned(world, gate)
    assert row.result == "g"
    staff_scan(world, gate, row)
    row.refresh_from_db()
    assert (row.result, row.status) == ("g", "confirmed")
    assert CheckIn.objects.filter(direction="out").count() == 1
    assert not Alert.objects.filter(kind=Alert.Kind.QUOTA).exists()


def test_a_retried_scan_confirms_once_and_adds_nothing(world, gate) -> None:
    row = self_scanned(world, gate)
    _, data = staff_scan(world, gate, row)
    row.refresh_from_db()
    confirmed_at = row.confirmed_at
    # The resident taps again (a second passage), then the first scan is re-sent.
    second = CheckIn.objects.create(
        client_id=uuid.uuid4(),
        checkpoint=gate,
        area_id=gate.area_id,
        direction="out",
        source="self",
        status="declared",
        result="g",
        person=row.person,
        pass_used=row.pass_used,
    )
    for _ in range(2):
        again = world.client("guard_a").post(
            reverse("checkpoints:console_scan", args=[gate.pk]), data
        )
        assert again.status_code == 302
        assert again["Location"].endswith(f"?last={row.pk}")
    row.refresh_from_db()
    second.refresh_from_db()
    assert row.confirmed_at == confirmed_at, "not confirmed twice"
    assert second.status == "declared", "the retry does not confirm another passage"
    assert CheckIn.objects.filter(direction="out").count() == 2
    assert not CheckIn.objects.filter(client_id=data["client_id"]).exists()


def test_a_fever_measured_at_the_scan_reds_the_confirmed_passage(world, gate) -> None:
    row = self_scanned(world, gate)
    staff_scan(world, gate, row, temperature="38.1")
    row.refresh_from_db()
    assert (row.status, row.result) == ("confirmed", "r")
    assert Alert.objects.filter(kind=Alert.Kind.FEVER, source_id=str(row.pk)).count() == 1
    assert CheckIn.objects.filter(direction="out").count() == 1


@pytest.mark.parametrize("case", ["other-direction", "too-old", "already-confirmed", "other-post"])
def test_other_passages_are_recorded_as_their_own(world, gate, settings, case) -> None:
    settings.SELF_SCAN_CONFIRM_MINUTES = 30
    row = self_scanned(world, gate, direction="in")
    post = gate
    if case == "too-old":
        CheckIn.objects.filter(pk=row.pk).update(at=timezone.now() - timedelta(minutes=31))
    elif case == "already-confirmed":
        CheckIn.objects.filter(pk=row.pk).update(status="confirmed")
    elif case == "other-post":
        post = make_checkpoint(world.compound_a, "西城花园北门")
    direction = "out" if case == "other-direction" else "in"
    data = {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(row.pass_used.code),
        "direction": direction,
    }
    world.client("guard_a").post(reverse("checkpoints:console_scan", args=[post.pk]), data)
    added = CheckIn.objects.get(client_id=data["client_id"])
    assert (added.source, added.status) == ("pass", "confirmed")
    assert CheckIn.objects.get(pk=row.pk).confirm_client_id is None


def test_a_bad_temperature_confirms_nothing(world, gate) -> None:
    row = self_scanned(world, gate)
    response, _ = staff_scan(world, gate, row, temperature="55")
    assert response.status_code == 400
    assert "体温应在30到45℃之间" in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.temperature, row.confirm_client_id) == ("declared", None, None)


def test_an_offline_scan_uploaded_later_confirms_too(world, gate) -> None:
    row = self_scanned(world, gate)
    item = {
        "client_id": str(uuid.uuid4()),
        "checkpoint": gate.pk,
        "at": timezone.now().isoformat(),
        "direction": "out",
        "kind": "pass",
        "token": tokens.phone_token(row.pass_used.code),
        "temperature": "36.5",
    }
    url = reverse("api:checkins_batch")
    guard = world.client("guard_a")
    first = guard.post(url, {"items": [item]}, content_type="application/json").json()
    assert (first["stored"], first["updated"], first["duplicates"]) == (0, 1, 0)
    assert first["results"][0]["id"] == row.pk
    assert first["results"][0]["status"] == "confirmed"
    again = guard.post(url, {"items": [item]}, content_type="application/json").json()
    assert (again["stored"], again["updated"], again["duplicates"]) == (0, 0, 1)
    assert CheckIn.objects.filter(direction="out").count() == 1
    row.refresh_from_db()
    assert (row.status, row.source, row.temperature) == ("confirmed", "self", Decimal("36.5"))
