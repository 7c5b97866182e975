"""The dashboard's alert feed names an alert of last year with its year ("11-23 15:30"
would be this year's); this year's alerts keep the short form."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.watch.models import Alert
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["dashboard:index", "dashboard:wall"])
def test_last_year_s_alert_carries_its_year(world, page) -> None:
    today = timezone.localdate()
    old = f.alert(world.building_a, title="去年的预警")
    raised = timezone.make_aware(datetime.combine(date(today.year - 1, 11, 23), time(15, 30)))
    Alert.objects.filter(pk=old.pk).update(raised_at=raised)
    f.alert(world.building_a, title="今年的预警")
    now = timezone.localtime()
    text = world.client("hq").get(reverse(page)).content.decode()
    assert f"{today.year - 1}年11月23日 15:30" in text
    assert f"{now.month}月{now.day}日 {now:%H:%M}" in text
    assert f"{today.year}年{now.month}月{now.day}日 {now:%H:%M}" not in text
