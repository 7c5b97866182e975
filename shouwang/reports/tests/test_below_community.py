"""A user bound to a compound or a building, or HQ opening one: daily reports are per
community, so there is none at this level — the overview and the trend say so and
show the subtree's figures as the system counts them (never the community's report,
which covers more than the user's subtree); the day's xlsx and the bulletin, made for
communities and above, answer 404 saying why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint
from shouwang.reports import actions, days
from shouwang.reports.models import Bulletin, DailyFigure
from shouwang.reports.rollup import rollup

from . import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed():
    return days.last_closed_day()


@pytest.fixture
def rolled(world, closed):
    """The closed day: a fever in building A2, one in community B, two households in
    building A; today: a passage at compound A's own gate. Community A reported the
    closed day with its fevers corrected up to 5 (outside the compound's scope)."""
    start = days.window(closed).start
    data.fever(world.building_a2, at=start + timedelta(hours=1))
    data.fever(world.community_b, at=start + timedelta(hours=1))
    data.household(world.building_a, persons=3, at=start)
    data.household(world.building_a, persons=1, at=start)
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    make_checkin(gate, at=days.window(days.open_day()).start + timedelta(minutes=30))
    rollup(closed)
    report = actions.report_for(community=world.community_a, day=closed)
    values = {line.code: line.value for line in actions.lines(report) if line.value is not None}
    actions.submit_report(
        report=report,
        values={**values, "fevers": 5},
        reasons={"fevers": "网格员电话排查补报"},
        by=world.staff_a,
        now=days.window(closed).end + timedelta(minutes=5),
    )
    rollup(days.open_day())
    cache.clear()
    return world


def client_at(area, role=Role.LEADER, username="bound"):
    client = Client()
    client.force_login(UserFactory(username=username, role=role, area=area))
    return client


def cells(row, table, *codes):
    position = [d.code for d in table.definitions]
    return tuple(row.cells[position.index(code)] for code in codes)


def test_a_leader_bound_to_a_compound_sees_its_figures_and_why_there_is_no_report(rolled, closed):
    assert DailyFigure.objects.get(area=rolled.community_a, day=closed).values["fevers"] == 5
    response = client_at(rolled.compound_a).get(reverse("reports:overview"))
    assert response.status_code == 200
    assert response.context["day"] == closed
    table = response.context["table"]
    assert table.live
    assert table.community == rolled.community_a
    # The system's count of the compound, not community A's reported 5.
    assert table.total.values["fevers"] == 1
    assert table.total.values["households_registered"] == 2
    assert table.total.values["persons_registered"] == 4
    assert table.total.values["household_coverage"] == 25.0  # 2 of the buildings' 4 + 4
    rows = {row.area.name: row for row in table.rows if not row.own}
    assert set(rows) == {"1号楼", "2号楼"}
    assert cells(rows["1号楼"], table, "fevers", "households_registered") == ("0", "2")
    assert cells(rows["2号楼"], table, "fevers", "households_registered") == ("1", "0")
    assert {row.status for row in rows.values()} == {"—"}
    page = response.content.decode()
    assert "日报按社区填报：西城花园属于西城社区，由西城社区填报日报，本级不单独上报" in page
    assert f"西城花园 · {closed.month}月{closed.day}日系统统计</h1>" in page
    assert "该日尚未汇总" not in page
    assert "没有下级" not in page
    assert "未报" not in page
    assert "八一" not in page
    assert reverse("reports:export") not in page
    assert f"{reverse('reports:bulletin')}?area=" not in page


def test_the_compounds_own_gate_is_a_row_of_its_own_today(rolled):
    response = client_at(rolled.compound_a).get(
        reverse("reports:overview"), {"day": days.open_day().isoformat()}
    )
    table = response.context["table"]
    assert table.in_progress
    assert table.total.values["persons_checked"] == 1
    own = [row for row in table.rows if row.own]
    assert [row.area for row in own] == [rolled.compound_a]
    assert cells(own[0], table, "persons_checked") == ("1",)
    assert "西城花园直属" in response.content.decode()


def test_hq_opening_a_compound_or_a_building_sees_the_same(rolled, closed):
    hq = rolled.client("hq")
    community = hq.get(reverse("reports:overview"), {"area": rolled.community_a.pk})
    link = f"?area={rolled.compound_a.pk}&day={closed.isoformat()}"
    assert link in community.content.decode()  # the community's page links its compounds
    compound = hq.get(reverse("reports:overview"), {"area": rolled.compound_a.pk})
    assert compound.status_code == 200
    assert compound.context["table"].total.values["fevers"] == 1
    building = hq.get(reverse("reports:overview"), {"area": rolled.building_a2.pk})
    assert building.status_code == 200
    table = building.context["table"]
    assert [row.area for row in table.rows] == [rolled.building_a2]
    assert cells(table.rows[0], table, "fevers") == ("1",)
    assert "没有下级" not in building.content.decode()
    # A building user cannot look at the compound above it.
    outside = client_at(rolled.building_a2).get(
        reverse("reports:overview"), {"area": rolled.compound_a.pk}
    )
    assert outside.status_code == 404


def test_a_typed_in_indicator_shows_a_dash_below_the_community(rolled, closed):
    data.manual_indicator("leaflets")
    table = client_at(rolled.compound_a).get(reverse("reports:overview")).context["table"]
    assert cells(table.rows[0], table, "leaflets") == ("—",)


def test_the_trend_of_a_compound_is_its_own_count(rolled, closed):
    client = client_at(rolled.compound_a)
    response = client.get(reverse("reports:trend", args=["fevers"]))
    assert response.status_code == 200
    series = response.context["series"]
    assert len(series) == 14
    assert [p.day for p in series[-2:]] == [closed, days.open_day()]
    assert [p.value for p in series[-2:]] == [1, 0]
    assert series[-1].total == 1  # the running total over the days shown
    page = response.content.decode()
    assert "近14天累计" in page
    assert "日报由西城社区填报" in page
    stock = client.get(reverse("reports:trend", args=["persons_registered"]), {"days": "7"})
    assert stock.status_code == 200
    assert [p.value for p in stock.context["series"][-2:]] == [4, 4]


def test_staff_bound_to_a_compound_are_told_who_reports(rolled, closed):
    client = client_at(rolled.compound_a, role=Role.COMMUNITY_STAFF)
    response = client.get(reverse("reports:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "西城花园属于西城社区，由西城社区的工作人员填报日报，本级不单独上报" in page
    assert "您的辖区内没有社区" not in page
    assert reverse("dashboard:index") in page
    report = reverse("reports:report", args=[rolled.community_a.pk, closed.isoformat()])
    assert client.get(report).status_code == 404


def test_the_xlsx_and_the_bulletin_of_a_compound_say_why_there_are_none(rolled, closed):
    hq = rolled.client("hq")
    query = {"area": rolled.compound_a.pk, "day": closed.isoformat()}
    export = hq.get(reverse("reports:export"), query)
    assert export.status_code == 404
    assert "日报汇总表按社区及以上汇总" in export.content.decode()
    bulletin = hq.get(reverse("reports:bulletin"), query)
    assert bulletin.status_code == 404
    page = bulletin.content.decode()
    assert "西城花园属于西城社区，由西城社区填报日报" in page
    assert f"{reverse('reports:overview')}?area={rolled.compound_a.pk}" in page
    saved = hq.post(f"{reverse('reports:bulletin')}?area={rolled.compound_a.pk}", {"text": "x"})
    assert saved.status_code == 404
    assert not Bulletin.objects.exists()
