"""零报告 after a draft: a fever or a case the community typed into its saved draft (a
correction with its reason, or a figure only it can give) is a new situation too; one
click must not submit 0 over it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shouwang.reports import actions, days
from shouwang.reports.models import DailyReport, IndicatorDefinition

from . import data
from .test_daily_report import ON_TIME, form, full, url

pytestmark = pytest.mark.django_db


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
def test_a_draft_with_every_incident_at_zero_can_still_be_zero_reported(world, day, post_zero):
    draft(world, day, {"households_expected": 4})
    response = post_zero(world.client("staff_b"), world.community_b, day)
    assert response.status_code == 302
    assert DailyReport.objects.get(community=world.community_b, day=day).is_zero


@ON_TIME
def test_a_false_alarm_corrected_to_0_in_the_draft_allows_a_zero_report(world, day, post_zero):
    """The system counted a fever the community found to be a false alarm and
    corrected to 0 with its reason: nothing new happened, so 零报告 goes through, and
    the correction and its reason stay in the report and its history."""
    span = days.window(day)
    data.fever(world.building_b, at=span.start + timedelta(hours=1))
    draft(world, day, {"households_expected": 4, "fevers": 0}, {"fevers": "复测体温正常，误报"})
    response = post_zero(world.client("staff_b"), world.community_b, day)
    assert response.status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=day)
    assert report.is_submitted
    assert report.is_zero
    fevers = report.values.get(code="fevers")
    assert (fevers.auto_value, fevers.value, fevers.reason) == (1, 0, "复测体温正常，误报")
    revision = report.revisions.get()
    assert revision.kind == "zero"
    assert revision.changes == [
        {
            "code": "fevers",
            "label": "发现发热人员",
            "from": 1,
            "to": 0,
            "reason": "复测体温正常，误报",
        }
    ]


@ON_TIME
def test_a_fever_counted_after_the_false_alarm_was_corrected_refuses_a_zero_report(world, day):
    span = days.window(day)
    data.fever(world.building_b, at=span.start + timedelta(hours=1))
    draft(world, day, {"households_expected": 4, "fevers": 0}, {"fevers": "复测体温正常，误报"})
    data.fever(world.building_b, at=span.start + timedelta(hours=2))
    response = world.client("staff_b").post(url("zero", world.community_b, day))
    assert response.status_code == 400
    assert "系统统计当日有新情况（发现发热人员2人）" in response.content.decode()
    assert not DailyReport.objects.get(community=world.community_b, day=day).is_submitted


@ON_TIME
def test_a_counted_fever_without_a_correction_still_refuses_a_zero_report(world, day):
    data.fever(world.building_b, at=days.window(day).start + timedelta(hours=1))
    draft(world, day, {"households_expected": 4, "fevers": 1})
    response = world.client("staff_b").post(url("zero", world.community_b, day))
    assert response.status_code == 400
    assert "系统统计当日有新情况（发现发热人员1人）" in response.content.decode()
