"""The cases app fills the daily report's 新增疑似病例 and 新增确诊病例 (they were typed
in by hand while no module recorded cases): a case counts on the day it was entered
as, or changed to, that classification, up to the cutoff; HQ's pages show them."""

import io
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouwang.cases.models import CaseEvent, HouseholdVisit
from shouwang.reports import days
from shouwang.reports.days import window
from shouwang.reports.indicators import registry
from shouwang.reports.rollup import auto_values, rollup

from .factories import make_case, make_key_area, make_person

DAY = date(2020, 2, 13)
CUTOFF = window(DAY).end
SECOND = timedelta(seconds=1)


def event(case, to: str, at, frm: str = "") -> None:
    CaseEvent.objects.create(
        case=case, at=at, from_classification=frm, to_classification=to, reason="测试"
    )


def test_the_case_figures_are_computed_not_typed_in():
    assert not registry()["suspected_new"].manual
    assert not registry()["confirmed_new"].manual


@pytest.mark.django_db
def test_it_counts_new_suspected_and_confirmed_cases_per_community(world):
    suspected = make_case(world.building_a, "suspected")
    event(suspected, "suspected", CUTOFF - SECOND)
    turned = make_case(world.building_a, "confirmed")
    event(turned, "suspected", CUTOFF - timedelta(days=3))
    event(turned, "confirmed", CUTOFF - SECOND, frm="suspected")
    late = make_case(world.building_a, "suspected")
    event(late, "suspected", CUTOFF)  # the cutoff itself belongs to the next day
    other = make_case(world.building_b, "confirmed")
    event(other, "confirmed", CUTOFF - timedelta(hours=2))
    recovered = make_case(world.building_b, "recovered")
    event(recovered, "recovered", CUTOFF - SECOND, frm="confirmed")

    a = auto_values(world.community_a, DAY)
    assert (a["suspected_new"], a["confirmed_new"]) == (1, 1)
    b = auto_values(world.community_b, DAY)
    assert (b["suspected_new"], b["confirmed_new"]) == (0, 1)
    assert auto_values(world.community_a, DAY + timedelta(days=1))["suspected_new"] == 1


@pytest.mark.django_db
def test_hq_reads_the_new_cases_in_the_overview_the_xlsx_and_on_the_dashboard(world):
    closed, today = days.last_closed_day(), days.open_day()
    confirmed = make_case(world.building_a, "confirmed")
    event(confirmed, "confirmed", days.window(closed).start + timedelta(hours=2))
    event(make_case(world.building_b, "suspected"), "suspected", timezone.now())
    rollup(closed)
    rollup(today)
    hq = world.client("hq")

    table = hq.get(reverse("reports:overview"), {"day": closed.isoformat()}).context["table"]
    column = [d.code for d in table.definitions].index("confirmed_new")
    assert table.total_cells[column] == "1"

    response = hq.get(reverse("reports:export"), {"day": closed.isoformat()})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    column = rows[0].index("新增确诊病例（例）")
    assert [row[column] for row in rows[1:]] == [1, 0, 1]  # 西城, 八一, 合计

    cards = {c.definition.code: c for c in hq.get(reverse("dashboard:index")).context["snap"].cards}
    assert (cards["suspected_new"].shown, cards["confirmed_new"].previous) == ("1", 1)


def test_key_areas_and_household_visits_fill_the_report(world):
    key_area = make_key_area(world.compound_a, start_date=DAY - timedelta(days=3))
    make_key_area(world.building_b, start_date=DAY + timedelta(days=1))  # not yet
    moments = (window(DAY).start - SECOND, window(DAY).start, CUTOFF - SECOND, CUTOFF)
    for n, at in enumerate(moments):
        HouseholdVisit.objects.create(
            key_area=key_area,
            household=make_person(world.building_a, room=f"10{n}").household,
            day=timezone.localtime(at).date(),
            method="visit",
            client_id=uuid.uuid4(),
            recorded_at=at,
        )
    community_a = auto_values(world.community_a, DAY)
    assert (community_a["key_areas"], community_a["household_visits"]) == (1, 2)
    assert auto_values(world.community_b, DAY)["key_areas"] == 0
