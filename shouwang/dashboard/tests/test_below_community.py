"""A user bound to a compound or a building: the roll-up stores figures for
communities and the levels above only, so their dashboard shows their subtree's
figures computed when asked — never "今日尚未汇总" once the day is rolled up, never
the community's figures (outside their scope)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint
from shouwang.reports import days
from shouwang.reports.rollup import rollup
from shouwang.reports.tests import data

pytestmark = pytest.mark.django_db


def values(figure, *codes):
    return tuple(figure.values.get(code) for code in codes)


@pytest.fixture
def rolled(world):
    """Fevers in both buildings of compound A and in community B, households in
    building A and in B, a checkpoint at compound A itself; both days rolled up."""
    today, closed = days.open_day(), days.last_closed_day()
    now = days.window(today).start + timedelta(minutes=30)
    data.fever(world.building_a, at=now)
    data.fever(world.building_a2, at=now)
    data.fever(world.building_a2, at=days.window(closed).start + timedelta(hours=1))
    data.fever(world.community_b, at=now)
    data.household(world.building_a, persons=3)
    data.household(world.building_b, persons=2)
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    make_checkin(gate, at=now)
    rollup(closed)
    rollup(today)
    cache.clear()
    return world


def client_at(area, username="staff_at"):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(username=username, role=Role.COMMUNITY_STAFF, area=area))
    return client


def test_a_user_bound_to_a_compound_sees_the_compounds_figures(rolled):
    response = client_at(rolled.compound_a).get(reverse("dashboard:index"))
    assert response.status_code == 200
    snap = response.context["snap"]
    assert snap.live
    assert snap.area == rolled.compound_a
    page = response.content.decode()
    assert "今日尚未汇总" not in page
    assert "西城花园范围内的系统实时统计" in page
    assert values(snap.figure, "fevers", "households_registered", "persons_registered") == (
        2,
        1,
        3,
    )
    assert snap.figure.values["persons_checked"] == 1  # at the compound's own gate
    assert snap.figure.values["household_coverage"] == 12.5  # 1 of the buildings' 4 + 4
    assert values(snap.closed_figure, "fevers") == (1,)
    fevers = next(s for s in snap.chart["series"] if s["code"] == "fevers")
    assert fevers["values"][-2:] == [1, 2]
    assert len(fevers["values"]) == 14
    # Its buildings today, and what lies in neither (the gate), as 西城花园直属.
    rows = {(row.area.name, row.own): row.cells for row in snap.children}
    codes = [d.code for d in snap.definitions]
    fever_col = codes.index("fevers")
    checked_col = codes.index("persons_checked")
    assert rows[("1号楼", False)][fever_col] == "1"
    assert rows[("2号楼", False)][fever_col] == "1"
    assert rows[("西城花园", True)][checked_col] == "1"
    assert "西城花园直属" in page
    # Nothing of community A beyond the compound, nor of B.
    assert "八一" not in page
    assert response.context["area"] == rolled.compound_a


def test_a_user_bound_to_a_building_sees_the_buildings_figures(rolled):
    client = client_at(rolled.building_a2)
    for url in (reverse("dashboard:index"), reverse("dashboard:wall")):
        response = client.get(url)
        assert response.status_code == 200
        snap = response.context["snap"]
        assert snap.live
        assert snap.figure is not None
        assert values(snap.figure, "fevers", "households_registered", "persons_checked") == (
            1,
            0,
            0,
        )
        assert values(snap.closed_figure, "fevers") == (1,)
        assert snap.children == []
        assert "尚未汇总" not in response.content.decode()
    outside = client.get(reverse("dashboard:index"), {"area": rolled.compound_a.pk})
    assert outside.status_code == 404


def test_the_community_and_hq_keep_reading_the_rolled_up_rows(rolled):
    snap = rolled.client("staff_a").get(reverse("dashboard:index")).context["snap"]
    assert not snap.live
    assert values(snap.figure, "fevers", "persons_checked") == (2, 1)
    # HQ opening a compound from the community's page sees the same as its staff.
    hq = rolled.client("hq").get(reverse("dashboard:index"), {"area": rolled.compound_a.pk})
    assert hq.context["snap"].live
    assert values(hq.context["snap"].figure, "fevers") == (2,)
    # Its overview and trends (the same figures, day by day) are a click away.
    page = hq.content.decode()
    assert f"/reports/overview/?area={rolled.compound_a.pk}" in page
    assert f"/reports/trend/fevers/?area={rolled.compound_a.pk}" in page


def test_the_closed_days_of_the_trend_come_from_the_cache_on_refresh(rolled):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_at(rolled.compound_a)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("dashboard:index"))
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("dashboard:index"))
    # Today's figures are computed again; the 13 closed days are not.
    assert len(second.captured_queries) * 5 < len(first.captured_queries)
