"""今日随访 and its JSON marks a slot past its deadline: 已逾期 while nothing is recorded
(as the community's 逾期 list has it), and 补记 once it is recorded late — a late slot
can still be recorded, and afterwards is no longer listed as overdue."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db

SHEET = "/api/v1/watch/today"


@pytest.fixture
def records(world, clock, policy_a):
    clock.set(clock.today, 7, 0)
    return f.key_person(world.building_a, "准时甲"), f.key_person(world.building_a, "迟到乙")


def tap(client, record, slot="1", day=None, clock=None):
    data = {"client_id": str(uuid.uuid4()), "slot": slot, "method": "phone"}
    if day is not None:
        data["day"] = day.isoformat()
    return client.post(reverse("watch:followup", args=[record.pk]), data, HTTP_HX_REQUEST="true")


def card(page: str, name: str) -> str:
    start = page.index(name)
    end = page.find('<section class="w-card', start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start : end if end > 0 else None]))


def slot_of(sheet: dict, name: str, number: int = 1) -> dict:
    cards = [c for c in sheet["cards"] if c["name"] == name]
    return next(s for s in cards[0]["slots"] if s["number"] == number)


def test_a_slot_past_its_deadline_is_marked_overdue_as_the_overdue_list_has_it(
    world, clock, records
) -> None:
    on_time, late = records
    client = world.client("grid_a")
    clock.set(clock.today, 9, 0)
    assert tap(client, on_time).status_code == 200
    clock.set(clock.today, 12, 30)
    page = client.get(reverse("watch:today"), {"all": "1"}).content.decode()
    assert "已逾期" in card(page, "迟到乙")
    assert "已逾期" not in card(page, "准时甲")
    sheet = client.get(SHEET, {"all": "true"}).json()
    assert slot_of(sheet, "迟到乙")["state"] == "overdue"
    assert slot_of(sheet, "准时甲")["state"] == "done"
    overdue = world.client("staff_a").get(reverse("watch:overdue")).content.decode()
    assert "迟到乙" in overdue
    assert "准时甲" not in overdue


def test_a_slot_recorded_after_its_deadline_is_marked_late_on_the_card_and_in_the_json(
    world, clock, records
) -> None:
    on_time, late = records
    client = world.client("grid_a")
    clock.set(clock.today, 9, 0)
    tap(client, on_time)
    clock.set(clock.today, 12, 30)
    response = tap(client, late, day=clock.today)
    assert response.status_code == 200
    assert "补记" in card(response.content.decode(), "迟到乙")
    page = client.get(reverse("watch:today"), {"all": "1"}).content.decode()
    assert "补记" in card(page, "迟到乙")
    assert "已逾期" not in card(page, "迟到乙")
    assert "补记" not in card(page, "准时甲")
    sheet = client.get(SHEET, {"all": "true"}).json()
    assert slot_of(sheet, "迟到乙")["state"] == "done"
    assert slot_of(sheet, "迟到乙")["followup"]["late"] is True
    assert slot_of(sheet, "准时甲")["followup"]["late"] is False
    overdue = world.client("staff_a").get(reverse("watch:overdue")).content.decode()
    assert "迟到乙" not in overdue
