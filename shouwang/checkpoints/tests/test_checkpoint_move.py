"""A checkpoint moved to another area: its passages before the move stay counted in
the area it lay in then (the daily report, the community's figures, the counts page);
those after it count in the new area."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from shouwang.reports.days import window
from shouwang.reports.rollup import auto_values

from .. import actions
from ..models import CheckIn, Checkpoint
from .factories import make_checkin, make_checkpoint

pytestmark = pytest.mark.django_db
DAY = date(2020, 2, 13)


@pytest.fixture
def moved(world) -> Checkpoint:
    """A gate of compound A with a passage (a car of 3) on DAY, then moved to B."""
    gate = make_checkpoint(world.compound_a, "路口卡点")
    Checkpoint.objects.filter(pk=gate.pk).update(created_at=window(DAY).start - timedelta(days=9))
    make_checkin(gate, at=window(DAY).end - timedelta(hours=2), subject="v", occupants=3)
    gate.area = world.compound_b
    actions.save_checkpoint(checkpoint=gate, staff=[], by=world.hq)
    return gate


def test_the_daily_report_keeps_past_passages_in_the_old_community(world, moved) -> None:
    assert auto_values(world.community_a, DAY)["persons_checked"] == 3
    assert auto_values(world.community_b, DAY)["persons_checked"] == 0


def test_passages_after_the_move_count_in_the_new_community(world, moved) -> None:
    row = make_checkin(moved, at=window(DAY + timedelta(days=1)).end - timedelta(hours=1))
    assert row.area == world.compound_b
    assert auto_values(world.community_b, DAY + timedelta(days=1))["persons_checked"] == 1
    assert auto_values(world.community_a, DAY + timedelta(days=1))["persons_checked"] == 0


def test_a_passage_recorded_at_the_post_keeps_the_post_s_area(world) -> None:
    gate = make_checkpoint(world.compound_a, "西门")
    recorded = actions.record_vehicle(
        checkpoint=gate,
        client_id=__import__("uuid").uuid4(),
        direction="in",
        plate="豫A12345",
        occupants=2,
        by=world.guard_a,
    )
    assert CheckIn.objects.get(pk=recorded.checkin.pk).area_id == world.compound_a.pk


def test_the_community_figures_keep_past_passages(world, moved) -> None:
    start, end = window(DAY).start, window(DAY).end
    assert CheckIn.objects.community_figures(world.community_a, start, end)["people_in"] == 3
    assert CheckIn.objects.community_figures(world.community_b, start, end)["people_in"] == 0
    assert CheckIn.objects.in_community(world.community_a).count() == 1
    assert CheckIn.objects.in_community(world.community_b).count() == 0


def test_the_counts_page_shows_a_past_day_where_it_happened(world, moved) -> None:
    day = window(DAY).end - timedelta(hours=2)
    local = day.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date()
    url = reverse("checkpoints:counts") + f"?day={local:%Y-%m-%d}"
    page_a = world.client("staff_a").get(url).content.decode()
    assert "路口卡点" in page_a
    assert "西城花园" in page_a
    rows_b = world.client("staff_b").get(url).context["rows"]
    assert all(figures.get("people_in", 0) == 0 for _, _, figures, _ in rows_b)
