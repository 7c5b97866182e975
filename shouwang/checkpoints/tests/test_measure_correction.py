"""记录体温 corrects a mistyped reading: the passage is judged again, by the rules, on
the corrected reading — a fever typed by mistake no longer leaves it red — while any
other reason for its result stays."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.watch.models import Alert

from .. import tokens
from ..models import CheckIn, PassRule
from .factories import make_checkpoint, make_pass, make_person, observe

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园西门")


def scan(world, gate, person, direction: str = "in") -> CheckIn:
    token = tokens.phone_token(make_pass(person).code)
    client_id = str(uuid.uuid4())
    response = world.client("guard_a").post(
        reverse("checkpoints:console_scan", args=[gate.pk]),
        {"client_id": client_id, "token": token, "direction": direction},
    )
    assert response.status_code == 302
    return CheckIn.objects.get(client_id=client_id)


def measure(world, row: CheckIn, temperature: str) -> CheckIn:
    response = world.client("guard_a").post(
        reverse("checkpoints:checkin_measure", args=[row.pk]), {"temperature": temperature}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    return row


def test_a_corrected_fever_reading_turns_the_row_green_again(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    assert measure(world, row, "38.5").result == "r"
    row = measure(world, row, "36.5")
    assert (row.result, row.temperature) == ("g", Decimal("36.5"))
    assert "发热" not in row.note
    assert CheckIn.objects.figures()["fevers"] == 0


def test_a_corrected_reading_keeps_an_observed_person_red(world, gate) -> None:
    person = make_person(world.building_a)
    observe(person)
    row = scan(world, gate, person)
    measure(world, row, "38.5")
    row = measure(world, row, "36.5")
    assert row.result == "r"
    assert "居家观察" in row.note
    assert "发热" not in row.note


def test_a_reading_corrected_to_another_fever_says_the_new_one(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.5")
    row = measure(world, row, "39.1")
    assert row.result == "r"
    assert "39.1" in row.note
    assert "38.5" not in row.note


def test_a_corrected_outing_does_not_count_against_its_own_quota(world, gate) -> None:
    PassRule.objects.create(area=world.compound_a, outing_quota=1)
    row = scan(world, gate, make_person(world.building_a), direction="out")
    assert row.result == "g"
    measure(world, row, "38.5")
    row = measure(world, row, "36.5")
    assert row.result == "g", row.note


def test_a_reading_corrected_to_another_fever_keeps_its_alert_open(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.5")
    measure(world, row, "39.1")
    assert Alert.objects.fevers().open().count() == 1


def test_a_reading_corrected_to_another_fever_says_it_in_the_alert(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.5")
    measure(world, row, "39.1")
    alert = Alert.objects.fevers().get()
    assert "39.1" in alert.title
    assert "38.5" not in alert.title


def test_a_settled_reading_corrected_back_to_a_fever_reopens_its_alert(world, gate) -> None:
    """An alert settled by a corrected reading before 复测 kept the first fever."""
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.5")
    row = measure(world, row, "36.5")
    Alert.objects.fevers().get().mark_handled(by=world.guard_a, note="体温已更正为36.5℃")
    row = measure(world, row, "38.2")
    assert row.result == "r"
    alert = Alert.objects.fevers().get()
    assert alert.handled_at is None
    assert "38.2" in alert.title
    assert AuditEvent.objects.filter(detail__contains="体温已更正为38.2℃").exists()
    pending = world.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert "未处置 1" in pending


def test_a_fever_alert_handled_by_hand_stays_handled_after_a_fever_correction(world, gate) -> None:
    row = scan(world, gate, make_person(world.building_a))
    measure(world, row, "38.5")
    Alert.objects.fevers().get().mark_handled(by=world.staff_a, note="已送发热门诊")
    measure(world, row, "39.1")
    alert = Alert.objects.fevers().get()
    assert alert.handled_note == "已送发热门诊"


def test_a_settled_reading_corrected_back_to_a_fever_says_so_on_a_red_row(world, gate) -> None:
    person = make_person(world.building_a)
    observe(person)
    row = scan(world, gate, person)
    measure(world, row, "38.5")
    measure(world, row, "36.5")
    row = measure(world, row, "38.2")
    assert "体温 38.2℃，达到发热标准" in row.note
    assert "居家观察" in row.note


def test_the_same_fever_reading_sent_twice_says_it_once(world, gate) -> None:
    person = make_person(world.building_a)
    observe(person)
    row = scan(world, gate, person)
    measure(world, row, "38.5")
    row = measure(world, row, "38.5")
    assert row.note.count("体温 38.5℃，达到发热标准") == 1
    assert Alert.objects.fevers().count() == 1
