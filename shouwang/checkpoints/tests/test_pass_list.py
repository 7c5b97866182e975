"""The pass list (出入证) shows each pass's current declaration: the one made with its
latest self-scan (every tap declares), else the registration's — not the answers given
at registration once the holder has declared otherwise."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shouwang.core.text import day_label

from ..models import CheckIn, Pass
from .factories import make_checkpoint, make_pass, make_person, registration
from .test_resident import tap_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def badges(world, pass_: Pass) -> str:
    """The 申报 cell of the pass's row on the staff's pass list."""
    page = world.client("staff_a").get(reverse("checkpoints:passes")).content.decode()
    row = re.search(rf'<tr id="pass-{pass_.pk}">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r"<td>(.*?)</td>", row, re.S)[4]


def resident(world, gate, **answers) -> tuple[Client, Pass]:
    phone = Client()
    response = phone.post(
        reverse("checkin:register", args=[gate.code]), registration(world, **answers)
    )
    assert response.status_code == 200
    return phone, Pass.objects.get()


def test_a_fever_declared_at_a_later_scan_shows(world, gate) -> None:
    phone, pass_ = resident(world, gate)
    assert "发热" not in badges(world, pass_)
    phone.post(reverse("checkin:scan", args=[gate.code]), tap_data(fever="on"))
    cell = badges(world, pass_)
    assert '<span class="badge red">发热</span>' in cell
    assert f"{day_label(timezone.localdate())}申报" in cell


def test_symptoms_given_at_registration_and_since_withdrawn_are_gone(world, gate) -> None:
    phone, pass_ = resident(world, gate, cough="on", risk_contact="on")
    cell = badges(world, pass_)
    assert "症状" in cell
    assert "风险申报" in cell
    phone.post(reverse("checkin:scan", args=[gate.code]), tap_data())
    cell = badges(world, pass_)
    assert "症状" not in cell
    assert "风险申报" not in cell


def test_a_risk_past_its_14_days_is_no_longer_shown(world, gate) -> None:
    phone, pass_ = resident(world, gate)
    phone.post(reverse("checkin:scan", args=[gate.code]), tap_data(risk_travel="on"))
    assert "风险申报" in badges(world, pass_)
    CheckIn.objects.update(
        at=timezone.now() - timedelta(days=15),
        travel_since=timezone.localdate() - timedelta(days=15),
    )
    assert "风险申报" not in badges(world, pass_)


def test_a_declaration_older_than_the_recent_days_is_still_found(world, gate) -> None:
    phone, pass_ = resident(world, gate)
    phone.post(reverse("checkin:scan", args=[gate.code]), tap_data(risk_travel="on"))
    CheckIn.objects.update(
        at=timezone.now() - timedelta(days=5),
        travel_since=timezone.localdate() - timedelta(days=5),
    )
    assert "风险申报" in badges(world, pass_)


def test_each_pass_shows_its_own_latest_declaration(world, gate) -> None:
    person = make_person(world.building_a, "孙老人")
    old, new = make_pass(person), make_pass(person)
    for pass_, fever in ((old, True), (new, False), (old, False), (new, True)):
        CheckIn.objects.create(
            client_id=uuid.uuid4(),
            checkpoint=gate,
            area_id=gate.area_id,
            direction="in",
            source="self",
            status="declared",
            result="g",
            person=person,
            pass_used=pass_,
            fever=fever,
            cough=False,
        )
    assert "发热" not in badges(world, old)
    assert "发热" in badges(world, new)


def test_the_list_reads_the_declarations_in_as_many_queries_whatever_their_number(
    world, gate
) -> None:
    client = world.client("staff_a")
    resident(world, gate)
    client.get(reverse("checkpoints:passes"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("checkpoints:passes"))
    for n in range(4):
        phone = Client()
        phone.post(
            reverse("checkin:register", args=[gate.code]),
            registration(world, name=f"王小{n}", phone=f"1391234500{n}"),
        )
        phone.post(reverse("checkin:scan", args=[gate.code]), tap_data(cough="on"))
    with CaptureQueriesContext(connection) as five:
        page = client.get(reverse("checkpoints:passes")).content.decode()
    assert len(five) == len(one)
    assert page.count('<span class="badge yellow">症状</span>') == 4
