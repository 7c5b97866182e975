"""A key area's planned 解除日期 lies at most a year after its start: a mistyped year
(9999-12-31) is refused before anything is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.cases.models import KeyArea


def mark(world, *, end_days: int | None = None, end: str = ""):
    today = timezone.localdate()
    if end_days is not None:
        end = (today + timedelta(days=end_days)).isoformat()
    data = {
        "area": world.compound_a.pk,
        "level": "strict",
        "reason": "出现确诊病例",
        "start_date": today.isoformat(),
        "end_date": end,
    }
    return world.client("hq").post(reverse("cases:key_area_new"), data)


@pytest.mark.parametrize("end", ["9999-12-31", "+366"])
def test_it_refuses_a_lift_date_more_than_a_year_after_the_start(world, end):
    response = mark(world, end_days=366) if end == "+366" else mark(world, end=end)
    assert response.status_code == 400
    assert "解除日期不能晚于开始日期后一年，请核对" in response.content.decode()
    assert not KeyArea.objects.exists()


def test_it_accepts_a_lift_date_a_year_after_the_start(world):
    response = mark(world, end_days=365)
    assert response.status_code == 302
    assert KeyArea.objects.get().end_date == timezone.localdate() + timedelta(days=365)
