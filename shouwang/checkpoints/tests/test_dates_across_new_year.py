"""Near New Year a day of last year is named with its year: the counts of 12月31日
read on 1 January would be this year's, eleven months ahead."""

from __future__ import annotations

from datetime import datetime
from unittest import mock

import pytest
from django.urls import reverse

from shouwang.reports import days

pytestmark = pytest.mark.django_db

NEW_YEARS_MORNING = datetime(2027, 1, 1, 11, tzinfo=days.local_zone())


def test_the_counts_of_last_year_s_day_name_its_year(world) -> None:
    with mock.patch("django.utils.timezone.now", return_value=NEW_YEARS_MORNING):
        response = world.client("hq").get(reverse("checkpoints:counts"), {"day": "2026-12-31"})
        page = response.content.decode()
        assert "统计时段：2026年12月31日 0:00 至 24:00" in page
        today = world.client("hq").get(reverse("checkpoints:counts")).content.decode()
        assert "统计时段：1月1日 0:00 至 24:00" in today
