from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.areas.tests.factories import child
from shouwang.reports import actions, days
from shouwang.reports.indicators import extra_indicators
from shouwang.reports.rollup import rollup
from shouwang.reports.tests import data
from shouwang.supplies import actions as supply_actions
from shouwang.supplies.tests import factories as supplies

pytestmark = pytest.mark.django_db
QUERIES = 8  # session, user, its area, catalogue, 14 days, children, alerts, open count
SUPPLY_QUERIES = 3  # stock per item (balances with their use, items), low stock per location


def fill(world, communities=()):
    today, closed = days.open_day(), days.last_closed_day()
    for back in range(3):
        span = days.window(closed - timedelta(days=back))
        data.fever(world.building_a, at=span.start + timedelta(hours=2))
    for community in communities:
        data.fever(community, at=days.window(today).start + timedelta(minutes=1))
    data.household(world.building_b, persons=2, at=days.window(closed).start)
    report = actions.report_for(community=world.community_b, day=closed)
    if not report.is_submitted:
        actions.zero_report(report=report, by=world.staff_b, now=days.window(closed).end)
    for back in range(3):
        rollup(closed - timedelta(days=back))
    rollup(today)


def test_it_reads_pre_aggregated_figures_in_a_fixed_number_of_queries(
    world, django_assert_num_queries
):
    fill(world)
    client = world.client("hq")
    supplies.stock(supplies.location(world.community_a), 100)
    client.get(reverse("dashboard:index"))  # the catalogue is seeded on first use
    with django_assert_num_queries(QUERIES + SUPPLY_QUERIES):
        small = client.get(reverse("dashboard:index"))
    more = [child(world.subdistrict, f"加测社区{n}") for n in range(8)]
    fill(world, more)
    for community in more:
        supplies.stock(supplies.location(community), 100)
    with django_assert_num_queries(QUERIES + SUPPLY_QUERIES):
        large = client.get(reverse("dashboard:index"))
    assert len(small.context["snap"].children) == 2
    assert len(large.context["snap"].children) == 10
    with django_assert_num_queries(QUERIES):
        client.get(reverse("dashboard:wall"))


def test_it_shows_the_key_figures_trend_and_alerts(world):
    fill(world)
    response = world.client("leader").get(reverse("dashboard:index"))
    assert response.status_code == 200
    snap = response.context["snap"]
    fevers = next(s for s in snap.chart["series"] if s["code"] == "fevers")
    assert len(fevers["values"]) == 14
    assert fevers["values"][-4:-1] == [1, 1, 1]
    assert snap.closed_figure.submitted == 1
    assert snap.open_alerts == 3
    page = response.content.decode()
    assert "实时预警" in page
    assert "已报 1/2" in page


def test_the_refresh_returns_the_panel_only(world):
    fill(world)
    response = world.client("hq").get(reverse("dashboard:index"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="panel"')
    assert "<html" not in body
    assert 'hx-trigger="every 60s"' in body


def test_a_community_sees_its_own_figures_only(world):
    fill(world)
    response = world.client("staff_a").get(reverse("dashboard:index"))
    assert response.status_code == 200
    assert response.context["area"] == world.community_a
    assert (
        world.client("staff_a")
        .get(reverse("dashboard:index"), {"area": world.community_b.pk})
        .status_code
        == 404
    )
    assert world.client("grid_a").get(reverse("dashboard:index")).status_code == 403


def test_a_community_has_no_own_row_beside_itself(world):
    """A community's figures are all its own: the "…直属" row (what a sub-district
    counts in none of its communities) is not a second copy of them."""
    fill(world)
    for url in (reverse("dashboard:index"), reverse("dashboard:wall")):
        response = world.client("staff_a").get(url)
        assert response.context["snap"].children == []
        assert "直属" not in response.content.decode()


def test_it_charts_counts_by_hour_once_a_module_offers_them(world):
    from shouwang.reports.indicators import FLOW, Indicator, by_community_and_hour
    from shouwang.watch.models import Alert

    fill(world)
    span = days.window(days.open_day())
    data.fever(world.building_a, at=span.start + timedelta(hours=3, minutes=5))
    by_hour = Indicator(
        "alerts_by_hour",
        "预警",
        "条",
        FLOW,
        lambda w, cs: {},
        hourly=lambda w, cs: by_community_and_hour(Alert.objects.all(), cs, w, at="raised_at"),
    )
    client = world.client("hq")
    assert not client.get(reverse("dashboard:index")).context["snap"].chart["hourly"]
    with extra_indicators(by_hour):
        rollup(days.open_day())
        chart = client.get(reverse("dashboard:index")).context["snap"].chart
    assert chart["hours"][0] == "15时"
    assert chart["hourly"] == [{"label": "预警", "values": [0, 0, 0, 1] + [0] * 20}]


@pytest.mark.parametrize("persona", ["hq", "leader", "staff_a"])
def test_every_link_on_the_dashboard_opens_for_its_reader(world, persona):
    import re

    fill(world)
    client = world.client(persona)
    page = client.get(reverse("dashboard:index")).content.decode()
    links = set(re.findall(r'href="(/(?:reports|dashboard)/[^"]*)"', page))
    assert any("/reports/" in link for link in links)
    for link in links:
        response = client.get(link.replace("&amp;", "&"), follow=True)
        assert response.status_code == 200, f"{persona}: {link}"


def test_a_sub_districts_own_figures_have_a_row_in_the_table(world):
    from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint

    road = make_checkpoint(world.subdistrict, "中州大道卡口")
    make_checkin(road, at=days.window(days.open_day()).start + timedelta(minutes=5))
    rollup(days.open_day())
    for url in (reverse("dashboard:index"), reverse("dashboard:wall")):
        response = world.client("hq").get(url)
        own = [row for row in response.context["snap"].children if row.own]
        assert [row.area for row in own] == [world.subdistrict]
    # The wall screen's columns (the first eight indicators) hold none of the
    # checkpoint's figures: no row of zeros there (test_own_row_figures.py).
    assert "明湖街道直属" in world.client("hq").get(reverse("dashboard:index")).content.decode()


def test_it_shows_days_of_supply_and_the_locations_running_low(world):
    """Issue 7: days of supply per item, and low stock per location, on the dashboard,
    as the supplies pages compute them."""
    masks = supplies.item()
    gate = supplies.location(world.compound_a, "西城花园卡点", "checkpoint")
    store = supplies.location(world.community_b)
    supplies.stock(gate, 200, masks)
    supplies.stock(store, 1000, masks)
    for day in range(7):
        supply_actions.record_out(
            item=masks,
            location=gate,
            quantity=20,
            kind="consumption",
            at=timezone.now() - timedelta(days=day, hours=1),
            by=world.staff_a,
        )
    response = world.client("hq").get(reverse("dashboard:index"))
    panel = response.context["supplies"]
    (item,) = panel.items
    assert (item.item, item.quantity, str(item.daily_use), str(item.days)) == (
        masks,
        1060,
        "20.0",
        "53.0",
    )
    assert [(f.place, str(f.days)) for f in panel.low] == [(gate, "3.0")]
    assert panel.low_count == 1
    body = response.content.decode()
    assert "物资保障" in body
    assert "西城花园卡点" in body
    # Community B's staff see their own store only: plenty, nothing low.
    response_b = world.client("staff_b").get(reverse("dashboard:index"))
    panel_b = response_b.context["supplies"]
    assert [(f.quantity, f.days) for f in panel_b.items] == [(1000, None)]
    assert panel_b.low_count == 0
    assert "西城花园卡点" not in response_b.content.decode()


def test_a_child_whose_closed_day_is_not_rolled_up_is_not_shown_missing(world):
    """The table's 已报 x/y is the last closed day's: before that day's first roll-up
    a child has no figures of it — shown —, not 0 of today's communities, all 未报."""
    rollup(days.open_day())
    response = world.client("hq").get(reverse("dashboard:index"))
    rows = response.context["snap"].children
    assert [(row.submitted, row.communities, row.missing) for row in rows] == [
        (None, None, 0),
        (None, None, 0),
    ]
    page = response.content.decode()
    assert "0/1" not in page


def test_a_count_of_the_day_is_set_beside_yesterdays_whole_day_and_a_level_is_compared(world):
    """Today's checks and fevers are still counting: beside yesterday's total, not
    a fall; a level (persons in observation, registered) is compared as it stands."""
    fill(world)
    response = world.client("hq").get(reverse("dashboard:index"))
    cards = {c.definition.code: c for c in response.context["snap"].cards}
    assert cards["fevers"].definition.is_flow
    assert cards["fevers"].comparison == "昨日 1"
    levels = [c for c in cards.values() if not c.definition.is_flow and c.comparison]
    assert levels
    assert all(c.comparison.startswith("较昨日 ") for c in levels)
    page = response.content.decode()
    assert '<div class="card-d">昨日 1</div>' in page
