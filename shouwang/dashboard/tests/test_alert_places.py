"""The dashboard's and the wall's alert feeds say where an alert was raised as the
alerts page does: a building with its compound (西城花园1号楼), since every compound
has its 1号楼."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.watch.models import Alert

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["dashboard:index", "dashboard:wall"])
def test_an_alert_in_a_building_names_its_compound(world, page):
    Alert.objects.create(
        area=world.building_a, kind=Alert.Kind.FEVER, title="体温37.8℃", raised_at=timezone.now()
    )
    html = world.client("hq").get(reverse(page)).content.decode()
    feed = html[html.index("体温37.8℃") :]
    assert feed[: feed.index("</li>")].count("西城花园1号楼") == 1
