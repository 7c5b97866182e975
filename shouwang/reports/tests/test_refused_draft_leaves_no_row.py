"""Saving a draft is all-or-nothing: a save refused after the form was read — a figure
typed over the count shown matched the count when the form was checked, and the count
moved again while the save ran (a household registered in between), so it became a
correction with no reason — leaves no empty draft behind."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.reports import days
from shouwang.reports.actions import figures, submission
from shouwang.reports.models import DailyReport, ReportValue
from shouwang.reports.rollup import auto_values

from . import data

pytestmark = pytest.mark.django_db


def test_a_refused_draft_leaves_no_report_row(world):
    day = days.day_of(timezone.now())  # the day in progress: a draft can be saved
    community = world.community_a
    client = world.client("staff_a")
    url = reverse("reports:report", kwargs={"pk": community.pk, "day": day})
    lines = client.get(url).context["lines"]
    body = {f"v_{line.code}": line.value if line.value is not None else 0 for line in lines}
    body.update({f"a_{line.code}": line.auto for line in lines if line.auto is not None})
    shown = body["a_households_registered"]
    body["v_households_registered"] = shown + 1  # typed over the count shown
    body["note"] = "草稿"
    calls = []

    def counted_meanwhile(area, on):
        calls.append(on)
        if len(calls) <= 2:  # one more before the form's count, one more before the save's
            data.household(world.building_a, persons=1)
        return auto_values(area, on)

    with (
        mock.patch.object(figures, "auto_values", counted_meanwhile),  # the form's lines
        mock.patch.object(submission, "auto_values", counted_meanwhile),  # the save's
    ):
        response = client.post(url, body)
    assert response.status_code == 400
    assert "请填写更正原因" in response.content.decode()
    assert not DailyReport.objects.filter(community=community, day=day).exists()
    assert not ReportValue.objects.exists()
