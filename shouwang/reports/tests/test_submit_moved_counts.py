"""Submitting locks the report: a figure left at a count that moved since the page
showed it is not submitted at the new count unseen. The form comes back with the new
counts filled in, saying what moved; sent again, it is submitted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.reports import actions
from shouwang.reports.models import DailyReport, ReportRevision

from .data import MOVED_DAY as DAY
from .pages import page_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


def urls(world):
    args = [world.community_b.pk, DAY.isoformat()]
    return reverse("reports:report", args=args), reverse("reports:submit", args=args)


def test_submitting_after_a_count_moved_shows_the_new_count_first(world, late_upload):
    page_url, submit_url = urls(world)
    client = world.client("staff_b")
    body = page_form(client.get(page_url))
    body["v_households_expected"] = 4
    assert body["v_households_registered"] == 0
    # A late upload: a household registered within DAY reaches the ledger now.
    late_upload()
    response = client.post(submit_url, body)
    assert response.status_code == 409, response.content.decode()[-3000:]
    page = response.content.decode()
    assert "打开页面后系统统计有更新：已登记户数 0→1" in page
    assert "已登记人数 0→2" in page
    assert "请核对后再上报" in page
    assert not DailyReport.objects.filter(
        community=world.community_b, day=DAY, status=DailyReport.Status.SUBMITTED
    ).exists()
    assert not ReportRevision.objects.exists()
    again = page_form(response)
    assert again["v_households_registered"] == "1"
    assert again["v_persons_registered"] == "2"
    assert client.post(submit_url, again).status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=DAY)
    assert report.is_submitted
    saved = report.values.get(code="households_registered")
    assert (saved.auto_value, saved.value, saved.reason) == (1, 1, "")


def test_submitting_with_no_count_moved_submits_at_once(world):
    page_url, submit_url = urls(world)
    client = world.client("staff_b")
    body = page_form(client.get(page_url))
    body["v_households_expected"] = 4
    assert client.post(submit_url, body).status_code == 302
    assert DailyReport.objects.get(community=world.community_b, day=DAY).is_submitted


def test_a_figure_typed_with_a_reason_is_submitted_as_typed(world, late_upload):
    """Only figures left untouched stop the submission: one given with a reason is
    the community's own and is submitted while the count moved."""
    page_url, submit_url = urls(world)
    client = world.client("staff_b")
    body = page_form(client.get(page_url))
    body.update(
        {
            "v_households_expected": 4,
            "r_households_registered": "实地核实仍为0户",
            "r_persons_registered": "实地核实仍为0人",
        }
    )
    late_upload()
    assert client.post(submit_url, body).status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=DAY)
    saved = report.values.get(code="households_registered")
    assert (saved.auto_value, saved.value, saved.reason) == (1, 0, "实地核实仍为0户")


def test_the_action_holds_a_submission_whose_count_moved_under_its_lock(world, late_upload):
    """The count moves between the form's check and the write (another request
    committed in between): the action, under its lock, refuses and writes nothing."""
    report = actions.report_for(community=world.community_b, day=DAY)
    shown = {line.code: line.auto for line in actions.lines(report) if line.auto is not None}
    values = {line.code: line.value for line in actions.lines(report) if line.value is not None}
    values["households_expected"] = 4
    late_upload()
    with pytest.raises(actions.CountsMoved) as refused:
        actions.submit_report(
            report=report, values=values, reasons={}, shown=shown, by=world.staff_b
        )
    assert "打开页面后系统统计有更新：已登记户数 0→1" in str(refused.value)
    report.refresh_from_db()
    assert not report.is_submitted
    assert not report.values.exists()
    assert not ReportRevision.objects.exists()
