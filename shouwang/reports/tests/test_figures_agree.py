"""HQ reads the same fact on several pages: the community's report, the detail pages
(checkpoint counts, key-person stats, the ledger's coverage, the stock), the HQ
overview, its xlsx, the bulletin and the dashboard. A small but varied world, then the
same figures read off each."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.checkpoints.models import CheckIn
from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint
from shouwang.reports import actions, days
from shouwang.reports.models import DailyFigure
from shouwang.reports.rollup import auto_values, rollup
from shouwang.supplies.tests import factories as supplies
from shouwang.watch.models import Alert

from . import data

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


@pytest.fixture
def city(world, day):
    """Passages either side of the cutoff and of midnight, key persons and fevers,
    households and stock; community A submits its report, B does not."""
    span = days.window(day)
    gate_a = make_checkpoint(world.compound_a)
    gate_b = make_checkpoint(world.compound_b)
    for at in (span.start - SECOND, span.start, span.end - SECOND, span.end):
        make_checkin(gate_a, at=at, recorded_by=world.guard_a)
    make_checkin(gate_a, at=span.end - timedelta(hours=16), direction=CheckIn.Direction.OUT)
    make_checkin(gate_b, at=span.start + timedelta(hours=2), subject="v", plate="豫A1", occupants=3)
    make_checkin(
        gate_b,
        at=span.start + timedelta(hours=3),
        status=CheckIn.Status.TURNED_BACK,
        temperature=Decimal("37.6"),
    )
    data.key_person(world.building_a, at=span.start + timedelta(hours=1))
    data.key_person(world.building_b, at=span.start - timedelta(hours=1))
    data.fever(world.building_b, at=span.start + timedelta(hours=3))
    data.household(world.building_a, persons=3, at=span.start + timedelta(hours=4))
    data.household(world.building_b, persons=1, at=span.end + SECOND)
    supplies.stock(supplies.location(world.community_a), 500)
    supplies.stock(supplies.location(world.subdistrict), 10_000)
    actions.submit_report(
        report=actions.report_for(community=world.community_a, day=day),
        values={
            k: v
            for k, v in auto_values(world.community_a, day).items()
            if v is not None and not isinstance(v, float)
        },
        reasons={},
        note="",
        by=world.staff_a,
        now=span.end + timedelta(minutes=10),
    )
    rollup(day)
    return world


def test_the_overview_total_is_the_sum_of_its_communities(city, day):
    response = city.client("hq").get(reverse("reports:overview"), {"day": day.isoformat()})
    table = response.context["table"]
    for definition in table.definitions:
        if definition.ratio is not None:
            continue
        rows = [row.figure.values.get(definition.code) or 0 for row in table.rows]
        assert table.total.values.get(definition.code) == sum(rows), definition.code


def test_the_xlsx_the_bulletin_and_the_overview_agree(city, day):
    client = city.client("hq")
    total = DailyFigure.objects.get(area=city.subdistrict, day=day).values
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("reports:export"), {"day": day.isoformat()}).content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    header, last = rows[0], rows[-1]
    assert last[0] == "合计"
    by_heading = dict(zip(header, last, strict=True))
    assert by_heading["排查人员（人）"] == total["persons_checked"]
    text = (
        client.get(reverse("reports:bulletin"), {"day": day.isoformat()})
        .context["form"]["text"]
        .value()
    )
    checked = re.search(r"当日车辆(\d+)台、人员(\d+)人", text)
    assert checked is not None
    assert (int(checked[1]), int(checked[2])) == (
        total["vehicles_checked"],
        total["persons_checked"],
    )


def test_the_report_form_agrees_with_the_rolled_up_row(city, day):
    """A's report was submitted as counted; B's row is what the system counted."""
    for community in (city.community_a, city.community_b):
        stored = DailyFigure.objects.get(area=community, day=day).values
        counted = auto_values(community, day)
        assert {k: v for k, v in counted.items() if k in stored} == {
            k: v for k, v in stored.items() if k in counted
        }


def test_a_fever_recorded_offline_before_the_cutoff_counts_on_that_day_everywhere(world, day):
    """A passage with a fever taken at 14:50 and uploaded after the 15:00 cutoff is a
    checkpoint fever of the day it happened; the fever alert it raises must count in
    发现发热人员 on the same day (卡点发现发热 says it is included there)."""
    gate = make_checkpoint(world.compound_a)
    at = days.window(day).end - timedelta(minutes=10)
    items = [
        {
            "client_id": str(uuid.uuid4()),
            "checkpoint": gate.pk,
            "direction": "in",
            "kind": "person",
            "name": "张三",
            "temperature": "38.1",
            "at": at.isoformat(),
        }
    ]
    response = world.client("guard_a").post(
        "/api/v1/checkpoints/checkins",
        json.dumps({"items": items}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["stored"] == 1
    assert Alert.objects.filter(kind=Alert.Kind.FEVER).count() == 1
    counted = auto_values(world.community_a, day)
    assert counted["checkpoint_fevers"] == 1
    assert counted["fevers"] == 1
    assert auto_values(world.community_a, day + timedelta(days=1))["fevers"] == 0


def test_a_fever_measured_after_the_cutoff_counts_on_the_passage_day(world, day):
    gate = make_checkpoint(world.compound_a)
    row = make_checkin(gate, at=days.window(day).end - timedelta(minutes=5))
    response = world.client("guard_a").post(
        reverse("checkpoints:checkin_measure", args=[row.pk]), {"temperature": "37.9"}
    )
    assert response.status_code in (200, 302), response.content
    counted = auto_values(world.community_a, day)
    assert (counted["checkpoint_fevers"], counted["fevers"]) == (1, 1)


def test_the_checkpoint_counts_page_says_its_day_is_the_calendar_day(city, day):
    """The counts page counts 0:00–24:00, the report the day ending at the cutoff:
    the page must say so, or HQ sees two numbers for one day."""
    response = city.client("hq").get(reverse("checkpoints:counts"), {"day": day.isoformat()})
    page = response.content.decode()
    assert "0:00 至 24:00" in page
    assert "日报按" in page


def test_the_key_person_stats_say_their_day_is_the_calendar_day(city):
    page = city.client("hq").get(reverse("watch:stats")).content.decode()
    assert "0:00 至 24:00" in page
    assert "日报按" in page
