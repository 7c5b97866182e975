"""The alert of a household not reached two days running stores both days with their
year (2026年3月4日, not 3月4日): the text is kept, and read next year its days would
be next year's."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from shouwang.cases import actions

from .factories import visit_data


def full(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_both_days_not_reached_are_named_with_their_year(marked, today):
    household = marked.zhang.household
    first = today - timedelta(days=1)
    marked.key_area.start_date = min(marked.key_area.start_date, first)
    marked.key_area.save()
    actions.record_household_unreached(
        household=household,
        client_id=uuid.uuid4(),
        method="visit",
        by=marked.grid_worker_a,
        now=timezone.make_aware(datetime.combine(first, time(10))),
    )
    marked.client("grid_a").post(
        reverse("cases:visit_unreached", args=[household.pk]),
        visit_data(),
        HTTP_HX_REQUEST="true",
    )
    page = marked.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert f"{full(first)} 10:00上门未联系上；" in page
    assert f"；{full(today)} " in page
