"""Near New Year a day of last year is named with its year: "12月31日晚上" read on
1 January would be this year's, eleven months ahead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from shouwang.watch import actions
from shouwang.watch.models import WatchPolicy
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db

EVE = date(2026, 12, 31)
NEW_YEAR = date(2027, 1, 1)


@pytest.fixture
def missed_on_new_years_eve(world, clock) -> None:
    """李四's 晚上 of 31 December (to 24:00) missed, read at 9:00 on 1 January."""
    WatchPolicy.objects.create(
        community=world.community_a, slots="白天 08:00-20:00；晚上 20:00-24:00"
    )
    clock.set(EVE, 20, 30)
    f.key_person(world.building_a, "李四", start=EVE)
    clock.set(NEW_YEAR, 9, 0)


def test_today_s_page_names_last_year_s_missed_slot_with_its_year(world, missed_on_new_years_eve):
    page = world.client("grid_a").get(reverse("watch:today")).content.decode()
    assert '<span class="w-slot-name">2026年12月31日晚上</span>' in page


def test_the_counts_page_names_last_year_s_missed_slot_with_its_year(
    world, missed_on_new_years_eve
):
    stats = world.client("staff_a").get(reverse("watch:stats")).content.decode()
    assert "<td>2026年12月31日晚上</td>" in stats


def test_a_resident_released_last_year_is_told_the_day_with_its_year(
    world, client, clock, policy_a
):
    clock.set(EVE - timedelta(days=5), 9, 0)
    record = f.key_person(world.building_a, "王小明")
    clock.set(EVE, 10, 0)
    actions.change_status(
        key_person=record, status="released", reason="ordered_release", by=world.staff_a
    )
    clock.set(NEW_YEAR, 9, 0)
    page = client.get(reverse("watch:self_report", args=[record.self_report_token()]))
    assert "您的管控已于2026年12月31日解除，无需再报" in page.content.decode()
