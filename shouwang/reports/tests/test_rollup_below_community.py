"""重新汇总 is for communities and the levels above: the roll-up stores no rows for a
compound or a building. Asked there, it is refused with a 400 saying where to ask
instead, nothing is rolled up, and the overview of such an area offers no button."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.reports import days
from shouwang.reports.models import DailyFigure

pytestmark = pytest.mark.django_db


def rollup_url(area, day):
    return f"{reverse('reports:rollup')}?area={area.pk}&day={day.isoformat()}"


@pytest.mark.parametrize("level", ["compound_a", "building_a"])
def test_rollup_below_a_community_is_refused(world, level):
    area = getattr(world, level)
    day = days.last_closed_day()
    response = world.client("hq").post(rollup_url(area, day))
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{area.name}不单独汇总" in page
    assert world.community_a.name in page
    assert not DailyFigure.objects.exists()


def test_rollup_of_a_community_still_works(world):
    day = days.last_closed_day()
    response = world.client("hq").post(rollup_url(world.community_a, day))
    assert response.status_code == 302
    assert DailyFigure.objects.filter(area=world.community_a, day=day).exists()


def test_the_overview_of_a_compound_offers_no_rollup_button(world):
    day = days.last_closed_day()
    response = world.client("hq").get(
        f"{reverse('reports:overview')}?area={world.compound_a.pk}&day={day.isoformat()}"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("reports:rollup") not in page
    assert "重新汇总" not in page


def test_the_overview_of_a_community_offers_the_rollup_button(world):
    day = days.last_closed_day()
    response = world.client("hq").get(
        f"{reverse('reports:overview')}?area={world.community_a.pk}&day={day.isoformat()}"
    )
    assert reverse("reports:rollup") in response.content.decode()
