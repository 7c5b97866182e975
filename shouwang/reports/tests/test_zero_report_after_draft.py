"""零报告 after a draft: a fever or a case the community typed into its saved draft (a
correction with its reason, or a figure only it can give) is a new situation too; one
click must not submit 0 over it."""

from __future__ import annotations

import pytest

from shouwang.reports import actions, days
from shouwang.reports.models import DailyReport, IndicatorDefinition

from .test_daily_report import ON_TIME, form, full, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return days.last_closed_day()


def draft(world, day, values, reasons=None):
    response = world.client("staff_b").post(
        url("report", world.community_b, day), form(full(values), reasons)
    )
    assert response.status_code == 302
    return DailyReport.objects.get(community=world.community_b, day=day)


@ON_TIME
def test_a_fever_corrected_into_the_draft_refuses_a_zero_report(world, day):
    report = draft(world, day, {"households_expected": 4, "fevers": 1}, {"fevers": "入户排查发现"})
    response = world.client("staff_b").post(url("zero", world.community_b, day))
    assert response.status_code == 400
    page = response.content.decode()
    assert "暂存的日报中填有新情况（发现发热人员1人），不能零报告" in page
    report.refresh_from_db()
    assert not report.is_submitted
    assert report.values.get(code="fevers").value == 1  # the draft is kept as it was
    assert report.values.get(code="fevers").reason == "入户排查发现"


@ON_TIME
def test_an_incident_only_the_community_gives_refuses_a_zero_report(world, day):
    IndicatorDefinition.objects.create(
        code="falls",
        label="新增外来人员",
        unit="人",
        source=IndicatorDefinition.Source.MANUAL,
        incident=True,
    )
    draft(world, day, {"households_expected": 4, "falls": 2})
    with pytest.raises(actions.ReportError, match=r"新增外来人员2人"):
        actions.zero_report(
            report=DailyReport.objects.get(community=world.community_b, day=day),
            by=world.staff_b,
        )
    assert not DailyReport.objects.filter(status="submitted").exists()


@ON_TIME
def test_a_draft_with_every_incident_at_zero_can_still_be_zero_reported(world, day):
    draft(world, day, {"households_expected": 4})
    response = world.client("staff_b").post(url("zero", world.community_b, day))
    assert response.status_code == 302
    assert DailyReport.objects.get(community=world.community_b, day=day).is_zero
