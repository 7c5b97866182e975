"""On and after its planned end, a record still under control is waiting to be
released: the list and the grid worker's card say so, not 第15/14天 (the release
notice counts those 14 days, the end day not among them) nor a bare 无需随访."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world, clock, policy_a):
    today = clock.today
    clock.set(today - timedelta(days=14), 8, 0)
    record = f.key_person(world.building_a, "王期满", start=today - timedelta(days=14))
    clock.set(today, 9, 0)
    return record


def test_the_list_says_the_period_is_over(world, record) -> None:
    page = world.client("staff_a").get(reverse("watch:index")).content.decode()
    assert "期满待解除" in page
    assert "第15/14天" not in page


def test_the_list_still_counts_days_within_the_period(world, clock, policy_a) -> None:
    f.key_person(world.building_a, "王在管", start=clock.today - timedelta(days=3))
    page = world.client("staff_a").get(reverse("watch:index")).content.decode()
    assert "第4/14天" in page
    assert "期满待解除" not in page


def test_the_grid_worker_s_card_says_why_nothing_is_due(world, record) -> None:
    page = world.client("staff_a").get(reverse("watch:today") + "?all=1").content.decode()
    assert "王期满" in page
    assert "观察期满，待解除" in page
    assert "第15天" not in page
