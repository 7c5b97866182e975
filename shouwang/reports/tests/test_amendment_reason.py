"""An amendment's 更正原因 serves as the reason of each changed figure given none of
its own: the community does not type it twice. It is stored per figure, in the
revision's changes and in the audit row."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shouwang.accounts.models import AuditEvent
from shouwang.reports import days
from shouwang.reports.models import DailyReport

from . import data
from .test_daily_report import ON_TIME, form, full, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world, day):
    """Community B's report of the day, submitted with the fever the system counted."""
    data.fever(world.building_b, at=days.window(day).start + timedelta(hours=1))
    values = full({"households_expected": 4, "fevers": 1})
    client = world.client("staff_b")
    assert client.post(url("submit", world.community_b, day), form(values)).status_code == 302
    return values


@ON_TIME
def test_a_changed_figure_takes_the_amendments_reason(world, day, submitted):
    client = world.client("staff_b")
    values = submitted
    body = form({**values, "fevers": 2, "key_new": 2}, reasons={"key_new": "外地返回1人补登"})
    body["reason"] = "夜间卡点又发现发热1人"
    response = client.post(url("amend", world.community_b, day), body)
    assert response.status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=day)
    stored = {v.code: (v.value, v.reason) for v in report.values.all()}
    assert stored["fevers"] == (2, "夜间卡点又发现发热1人")
    assert stored["key_new"] == (2, "外地返回1人补登")  # its own reason stays its own
    assert stored["households_expected"] == (4, "")  # unchanged: no reason
    changes = {c["code"]: c["reason"] for c in report.revisions.last().changes}
    assert changes == {"fevers": "夜间卡点又发现发热1人", "key_new": "外地返回1人补登"}
    event = AuditEvent.objects.get(action="update", object_id=str(report.pk))
    assert "发现发热人员 1→2" in event.detail
    assert "夜间卡点又发现发热1人" in event.detail


@ON_TIME
def test_without_the_amendments_reason_a_changed_figure_is_refused(world, day, submitted):
    client = world.client("staff_b")
    values = submitted
    response = client.post(url("amend", world.community_b, day), form({**values, "fevers": 2}))
    assert response.status_code == 400
    assert "请填写更正原因" in response.content.decode()
    report = DailyReport.objects.get(community=world.community_b, day=day)
    assert report.values.get(code="fevers").value == 1
    assert report.amendments == 0


@ON_TIME
def test_a_long_amendment_reason_is_kept_whole_on_the_figure(world, day, submitted):
    """The amendment's reason may be 500 characters: the figure it serves keeps it all."""
    reason = "夜间卡点又发现发热1人，" * 25  # 300 characters
    body = form({**submitted, "fevers": 2})
    body["reason"] = reason
    response = world.client("staff_b").post(url("amend", world.community_b, day), body)
    assert response.status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=day)
    assert report.values.get(code="fevers").reason == reason.strip()
    changes = {c["code"]: c["reason"] for c in report.revisions.last().changes}
    assert changes["fevers"] == reason.strip()
