"""Today's work on the home page (今日待办): each line counts what is left, as the page it
links to counts it, for what the user may see."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, time
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.cases import actions as case_actions
from shouwang.cases.models import HouseholdVisit
from shouwang.cases.tests.factories import make_key_area
from shouwang.core.tests.personas import World
from shouwang.core.todo import TodoItem
from shouwang.reports import actions as report_actions
from shouwang.reports import days
from shouwang.watch import actions as watch_actions
from shouwang.watch import schedule
from shouwang.watch.models import FollowUp
from shouwang.watch.tests.factories import alert, key_person, person

HOME = reverse("core:home")
FOLLOWUPS = "今日待随访（次）"
ALERTS = "待处置预警"
VISITS = "重点区域待随访（户）"


@pytest.fixture
def nine_am() -> Iterator[datetime]:
    """Local 09:00 today: the morning slot (default 06:00–12:00) is open."""
    moment = datetime.combine(timezone.localdate(), time(9), tzinfo=schedule.zone())
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def todo(world: World, persona: str) -> dict[str, TodoItem]:
    response = world.client(persona).get(HOME)
    assert response.status_code == 200
    return {item.label: item for item in response.context.get("todo", [])}


def report_item(items: dict[str, TodoItem]) -> TodoItem:
    (item,) = [i for label, i in items.items() if label.endswith("日报未上报（社区）")]
    return item


def test_a_grid_worker_sees_the_followups_left_today(world: World, nine_am) -> None:
    record = key_person(world.building_a, "李四", by=world.staff_a)
    record.grid = world.grid_a
    record.save(update_fields=["grid"])
    item = todo(world, "grid_a")[FOLLOWUPS]
    assert (item.count, item.note, item.url) == (2, "已完成 0/2", reverse("watch:today"))

    watch_actions.record_followup(
        key_person=record,
        client_id=uuid.uuid4(),
        slot=1,
        method=FollowUp.Method.PHONE,
        by=world.grid_worker_a,
    )
    item = todo(world, "grid_a")[FOLLOWUPS]
    assert (item.count, item.note) == (1, "已完成 1/2")
    page = world.client("grid_a").get(reverse("watch:today")).context["total"]
    assert (page.due - page.done, page.done) == (1, 1)
    # Community B's staff have nobody to follow up: no line at all.
    assert FOLLOWUPS not in todo(world, "staff_b")


def test_open_alerts_are_counted_within_the_users_area(world: World) -> None:
    alert(world.building_a)
    assert todo(world, "staff_a")[ALERTS].count == 1
    assert todo(world, "staff_a")[ALERTS].urgent
    assert todo(world, "hq")[ALERTS].count == 1
    assert todo(world, "staff_b")[ALERTS].count == 0
    assert not todo(world, "staff_b")[ALERTS].urgent


def test_the_days_report_leaves_the_list_once_submitted(world: World) -> None:
    day = days.last_closed_day()
    item = report_item(todo(world, "staff_a"))
    assert (item.count, item.url) == (1, reverse("reports:index"))
    assert item.note.startswith("已上报 0/1")
    assert item.label == f"{day.month}月{day.day}日日报未上报（社区）"

    report = report_actions.report_for(community=world.community_a, day=day)
    report_actions.zero_report(report=report, by=world.staff_a)
    item = report_item(todo(world, "staff_a"))
    assert (item.count, item.note, item.urgent) == (0, "已上报 1/1", False)
    hq = report_item(todo(world, "hq"))
    assert (hq.count, hq.url) == (1, reverse("reports:overview"))
    assert hq.note.startswith("已上报 1/2")


def test_a_report_past_its_deadline_is_urgent(world: World) -> None:
    day = days.last_closed_day()
    late = days.deadline(day) + timezone.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=late):
        item = report_item(todo(world, "staff_b"))
    assert item.urgent
    assert item.note == "已上报 0/1，已过截止时间"


def test_households_of_key_areas_left_to_visit(world: World) -> None:
    resident = person(world.building_a, "王五")
    assert VISITS not in todo(world, "grid_a")  # no key area: no line
    make_key_area(world.compound_a)
    item = todo(world, "grid_a")[VISITS]
    assert (item.count, item.note, item.url) == (1, "已随访 0/1", reverse("cases:visits"))

    case_actions.record_household_visit(
        household=resident.household,
        client_id=uuid.uuid4(),
        method=HouseholdVisit.Method.VISIT,
        by=world.grid_worker_a,
    )
    item = todo(world, "grid_a")[VISITS]
    assert (item.count, item.note) == (0, "已随访 1/1")
    assert VISITS not in todo(world, "staff_b")

    # Nobody answered next door (联系不上): still to visit today, and said so.
    neighbour = person(world.building_a, "赵六")
    case_actions.record_household_unreached(
        household=neighbour.household,
        client_id=uuid.uuid4(),
        method=HouseholdVisit.Method.PHONE,
        by=world.grid_worker_a,
    )
    item = todo(world, "grid_a")[VISITS]
    assert (item.count, item.note) == (1, "已随访 1/2，未联系上 1")


@pytest.mark.parametrize("persona", ["auditor", "guard_a"])
def test_roles_without_such_work_have_no_list(world: World, persona: str) -> None:
    assert todo(world, persona) == {}


def test_the_leader_sees_only_the_reports(world: World) -> None:
    alert(world.building_a)
    items = todo(world, "leader")
    assert list(items) == [report_item(items).label]


def test_the_list_on_the_page(world: World) -> None:
    alert(world.building_a)
    body = world.client("staff_a").get(HOME).content.decode()
    assert "今日待办" in body
    assert f'class="card urgent" href="{reverse("watch:alerts")}"' in body
