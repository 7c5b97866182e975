"""A record of last winter read this winter names its days with their year: "11-23"
would be this year's 11月23日. Days of the current year keep the short form."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.watch import alerting
from shouwang.watch.models import Alert, FollowUp
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db

# A month-day with no year before it (11-23), as the pages used to show.
SHORT_DAY = re.compile(r"(?<![\d-])(0?[1-9]|1[0-2])-\d\d(?![\d-])")


@pytest.fixture
def today() -> date:
    return timezone.localdate()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_a_record_of_last_year_names_its_days_with_the_year(world, clock, today) -> None:
    last_year = today.year - 1
    clock.set(date(last_year, 11, 23), 10)
    record = f.key_person(
        world.building_a, "李四", origin="武汉", arrival_date=date(last_year, 11, 22)
    )
    clock.set(today, 9)
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk])).content.decode()
    assert f"{last_year}年11月22日抵达" in page
    assert f"计划 {last_year}年12月7日 解除" in page
    assert not SHORT_DAY.search(page)


def test_a_record_of_this_year_keeps_the_short_form(world, today) -> None:
    record = f.key_person(world.building_a, "李四", origin="武汉", arrival_date=today)
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk])).content.decode()
    assert f"，{today.month}月{today.day}日抵达" in page
    assert f"{today.year}年" not in page


def test_the_alert_list_names_last_year_s_alert_with_its_year(world, today) -> None:
    old = f.alert(world.building_a, title="去年的预警")
    Alert.objects.filter(pk=old.pk).update(raised_at=at(date(today.year - 1, 11, 23), 15, 30))
    f.alert(world.building_a, title="今年的预警")
    now = timezone.localtime()
    page = world.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert f"{today.year - 1}年11月23日 15:30" in page
    assert f"{now.month}月{now.day}日 {now:%H:%M}" in page
    assert f"{today.year}年" not in page


def test_an_alert_s_detail_names_last_year_s_follow_up_with_its_year(world, today) -> None:
    record = f.key_person(world.building_a, "李四")
    old = FollowUp(
        key_person=record, method="phone", recorded_at=at(date(today.year - 1, 12, 31), 21)
    )
    assert f"记录时间：{today.year - 1}年12月31日 21:00" in alerting.followup_detail(old)
    new = FollowUp(key_person=record, method="phone", recorded_at=at(today, 8, 5))
    # Stored, and read in a later year: this year's carries its year too.
    assert f"记录时间：{today.year}年{today.month}月{today.day}日 08:05" in (
        alerting.followup_detail(new)
    )
