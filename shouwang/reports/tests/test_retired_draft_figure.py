"""A figure kept in a draft for an indicator HQ retired before the report was
submitted is not part of the submission: the report, the roll-up and — once HQ
re-enables the indicator — the overview do not show it as reported."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from shouwang.reports import actions
from shouwang.reports.models import DailyFigure, DailyReport
from shouwang.reports.rollup import rollup

from . import data
from .test_daily_report import form, full, url

pytestmark = pytest.mark.django_db


@override_settings(REPORT_GRACE_MINUTES=3 * 24 * 60)
def test_a_figure_of_an_indicator_retired_after_the_draft_is_not_submitted(world, day):
    leaflets = data.manual_indicator()
    client = world.client("staff_b")
    values = full({"households_expected": 4, "leaflets": 120})
    assert client.post(url("report", world.community_b, day), form(values)).status_code == 302
    actions.set_definition_active(definition=leaflets, active=False, by=world.hq)
    del values["leaflets"]
    assert client.post(url("submit", world.community_b, day), form(values)).status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=day)
    assert report.is_submitted
    assert not report.values.filter(code="leaflets").exists()
    assert "leaflets" not in report.revisions.get().values
    rollup(day)
    assert "leaflets" not in DailyFigure.objects.get(area=world.community_b, day=day).values
    assert "leaflets" not in DailyFigure.objects.get(area=world.subdistrict, day=day).values
    actions.set_definition_active(definition=leaflets, active=True, by=world.hq)
    response = world.client("hq").get(reverse("reports:overview"), {"day": day.isoformat()})
    row = next(r for r in response.context["table"].rows if r.area == world.community_b)
    codes = [d.code for d in response.context["table"].definitions]
    assert row.cells[codes.index("leaflets")] == "—"
