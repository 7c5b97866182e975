import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.core.tests.races import stale_first_call
from shouwang.reports import actions, days
from shouwang.reports import rollup as rollups
from shouwang.reports.models import DailyFigure, DailyReport, ReportRevision
from shouwang.reports.rollup import rollup

from . import data
from .pages import ON_TIME, url

pytestmark = pytest.mark.django_db


# What the system counted for community A's day in ``counted``.
COUNTED = {
    "key_in_observation": 1,
    "key_new": 1,
    "fevers": 1,
    "households_registered": 2,
    "persons_registered": 5,
}


def form(values, reasons=None, note=""):
    body = {f"v_{code}": value for code, value in values.items()}
    body.update({f"r_{code}": text for code, text in (reasons or {}).items()})
    body["note"] = note
    return body


@pytest.fixture
def counted(world, day):
    """Community A's day: 2 households (5 persons), 1 key person today, 1 fever; and
    a figure HQ added for the communities to type in (发放宣传资料)."""
    span = days.window(day)
    data.manual_indicator("leaflets")
    data.household(world.building_a, persons=3, at=span.start - timedelta(days=2))
    data.household(world.building_a2, persons=2, at=span.start + timedelta(hours=1))
    data.key_person(world.building_a, at=span.start + timedelta(hours=2))
    data.fever(world.building_a, at=span.end - timedelta(seconds=1))
    return world


def full(values):
    """Every figure of the form (the modules' and HQ's manual ones), 0 unless given."""
    base = {definition.code: 0 for definition in actions.editable()}
    base["households_expected"] = 8
    return {**base, **values}


def test_the_report_is_filled_from_the_data_at_the_cutoff(counted, day):
    response = counted.client("staff_a").get(url("report", counted.community_a, day))
    assert response.status_code == 200
    lines = {line.code: line for line in response.context["lines"]}
    assert lines["households_registered"].auto == 2
    assert lines["persons_registered"].auto == 5
    assert lines["key_new"].auto == 1
    assert lines["fevers"].auto == 1
    assert lines["suspected_new"].auto == 0  # counted by the cases app
    assert lines["leaflets"].auto is None  # typed in by the community
    assert not DailyReport.objects.exists()  # reading never writes


@ON_TIME
def test_a_correction_needs_a_reason(counted, day):
    client = counted.client("staff_a")
    values = full(
        {
            "key_in_observation": 1,
            "key_new": 1,
            "fevers": 2,
            "households_registered": 2,
            "persons_registered": 5,
        }
    )
    response = client.post(url("submit", counted.community_a, day), form(values))
    assert response.status_code == 400
    assert "请填写更正原因" in response.content.decode()
    assert not DailyReport.objects.filter(status="submitted").exists()

    response = client.post(
        url("submit", counted.community_a, day),
        form(values, {"fevers": "卡点漏登记一名发热人员"}),
    )
    assert response.status_code == 302
    report = DailyReport.objects.get(community=counted.community_a, day=day)
    assert report.is_submitted
    assert not report.late
    assert not report.is_zero
    fevers = report.values.get(code="fevers")
    assert (fevers.auto_value, fevers.value, fevers.reason) == (1, 2, "卡点漏登记一名发热人员")
    assert AuditEvent.objects.filter(action="status", object_id=str(report.pk)).exists()


def system_count(page, label):
    """The 系统统计 cell of the form's row ``label``."""
    found = re.search(label + r'.*?data-label="系统统计">([^<]*)</td>', page, re.DOTALL)
    assert found, label
    return found.group(1)


@ON_TIME
def test_new_cases_are_counted_and_a_correction_needs_a_reason(counted, day):
    span = days.window(day)
    data.case(counted.building_a, "suspected", at=span.start + timedelta(hours=3))
    data.case(counted.building_a2, "confirmed", at=span.end - timedelta(seconds=1))
    client = counted.client("staff_a")
    response = client.get(url("report", counted.community_a, day))
    lines = {line.code: line for line in response.context["lines"]}
    assert (lines["suspected_new"].auto, lines["suspected_new"].value) == (1, 1)
    assert (lines["confirmed_new"].auto, lines["confirmed_new"].value) == (1, 1)
    page = response.content.decode()
    assert system_count(page, "新增疑似病例（例）") == "1"
    assert system_count(page, "新增确诊病例（例）") == "1"
    assert system_count(page, "发放宣传资料（份）") == "人工填报"

    response = client.post(url("zero", counted.community_a, day))
    assert response.status_code == 400
    assert "新增疑似病例1例" in response.content.decode()

    values = full(
        {
            "key_in_observation": 1,
            "key_new": 1,
            "fevers": 1,
            "households_registered": 2,
            "persons_registered": 5,
            "suspected_new": 1,
            "confirmed_new": 0,
        }
    )
    response = client.post(url("submit", counted.community_a, day), form(values))
    assert response.status_code == 400
    assert "与系统统计（1）不一致，请填写更正原因" in response.content.decode()
    reason = "该病例实际居住外区，已移交属地"
    response = client.post(
        url("submit", counted.community_a, day), form(values, {"confirmed_new": reason})
    )
    assert response.status_code == 302
    report = DailyReport.objects.get(community=counted.community_a, day=day)
    confirmed = report.values.get(code="confirmed_new")
    assert (confirmed.auto_value, confirmed.value, confirmed.reason) == (1, 0, reason)
    figure = DailyFigure.objects.get(area=counted.community_a, day=day)
    assert (figure.values["suspected_new"], figure.values["confirmed_new"]) == (1, 0)
    assert figure.auto["confirmed_new"] == 1


@ON_TIME
def test_a_draft_is_kept_until_submitted(counted, day):
    client = counted.client("staff_a")
    values = full({**COUNTED, "leaflets": 120})
    response = client.post(url("report", counted.community_a, day), form(values, note="草稿"))
    assert response.status_code == 302
    report = DailyReport.objects.get(community=counted.community_a, day=day)
    assert report.status == "draft"
    assert report.values.get(code="leaflets").value == 120


@ON_TIME
def test_a_draft_follows_the_systems_count_where_it_was_not_corrected(counted, day):
    """A draft saved in the morning (the manual figures typed in) keeps only what was
    typed: a count the system moved since is not a "correction" asking for a reason
    at submission, while a figure corrected in the draft stays corrected."""
    client = counted.client("staff_a")
    values = full({**COUNTED, "fevers": 2, "leaflets": 120})
    reasons = {"fevers": "入户排查发现一名"}
    response = client.post(url("report", counted.community_a, day), form(values, reasons))
    assert response.status_code == 302
    data.household(counted.building_a, persons=4, at=days.window(day).end - timedelta(hours=1))
    page = client.get(url("report", counted.community_a, day))
    lines = {line.code: line for line in page.context["lines"]}
    assert (lines["households_registered"].auto, lines["households_registered"].value) == (3, 3)
    assert (lines["persons_registered"].auto, lines["persons_registered"].value) == (9, 9)
    assert (lines["fevers"].auto, lines["fevers"].value) == (1, 2)
    assert lines["leaflets"].value == 120
    shown = {**values, "households_registered": 3, "persons_registered": 9}
    response = client.post(url("submit", counted.community_a, day), form(shown, reasons))
    assert response.status_code == 302
    report = DailyReport.objects.get(community=counted.community_a, day=day)
    assert report.values.get(code="households_registered").value == 3
    assert report.values.get(code="fevers").reason == "入户排查发现一名"


@ON_TIME
def test_a_submitted_report_is_locked(counted, day):
    client = counted.client("staff_a")
    values = full(COUNTED)
    assert client.post(url("submit", counted.community_a, day), form(values)).status_code == 302
    changed = {**values, "leaflets": 3}
    response = client.post(url("submit", counted.community_a, day), form(changed), follow=True)
    assert "未重复上报" in response.content.decode()  # a second tap stores nothing
    assert client.post(url("zero", counted.community_a, day)).status_code == 302
    client.post(url("report", counted.community_a, day), form(changed))
    report = DailyReport.objects.get(community=counted.community_a, day=day)
    assert report.values.get(code="leaflets").value == 0
    assert not report.is_zero
    assert report.revisions.count() == 1


@ON_TIME
def test_a_note_too_long_says_so_and_stores_nothing(counted, day):
    """The browser counts a line break of the note as one character, the server as
    two: a note of many lines passes the page's maxlength and is refused here."""
    client = counted.client("staff_a")
    note = "入户排查情况\r\n" * 300
    for name in ("report", "submit"):
        response = client.post(url(name, counted.community_a, day), form(full(COUNTED), note=note))
        assert response.status_code == 400
        assert "情况说明不能超过2000字" in response.content.decode()
    assert not DailyReport.objects.exists()


def test_the_day_in_progress_is_on_the_communitys_page(counted, day):
    """Before the cutoff, staff find today's report (a draft of the figures they
    type in) from their page, not only the closed days."""
    today = days.open_day()
    client = counted.client("staff_a")
    body = client.get(reverse("reports:community", args=[counted.community_a.pk])).content.decode()
    assert url("report", counted.community_a, today) in body
    assert "统计中" in body
    assert url("report", counted.community_a, day) in body


@ON_TIME
def test_a_note_the_page_took_is_kept_whatever_its_line_breaks(counted, day):
    """2000 characters as the browser counts them (a line break is one) is 2000 here."""
    note = "入户排查情况良好。\r\n" * 200
    response = counted.client("staff_a").post(
        url("report", counted.community_a, day), form(full(COUNTED), note=note)
    )
    assert response.status_code == 302
    report = DailyReport.objects.get(community=counted.community_a, day=day)
    assert report.note == ("入户排查情况良好。\n" * 200).strip()


def test_a_day_whose_cutoff_has_not_passed_cannot_be_submitted(counted):
    today = days.open_day()
    response = counted.client("staff_a").post(
        url("submit", counted.community_a, today), form(full({}))
    )
    assert response.status_code == 400
    assert "统计截止后才能上报" in response.content.decode()
    assert not DailyReport.objects.filter(status="submitted").exists()


@ON_TIME
def test_zero_report_in_one_click(world, day, post_zero):
    data.manual_indicator("leaflets")
    response = post_zero(world.client("staff_b"), world.community_b, day)
    assert response.status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=day)
    assert report.is_submitted
    assert report.is_zero
    assert report.values.get(code="households_expected").value == 4
    assert report.values.get(code="suspected_new").value == 0
    assert report.values.get(code="leaflets").value == 0  # a manual flow: 0
    assert report.revisions.get().kind == ReportRevision.Kind.ZERO


def test_zero_report_is_refused_when_something_happened(counted, day):
    response = counted.client("staff_a").post(url("zero", counted.community_a, day))
    assert response.status_code == 400
    assert "不能零报告" in response.content.decode()
    assert "发现发热人员1人" in response.content.decode()
    assert not DailyReport.objects.filter(status="submitted").exists()


@override_settings(REPORT_GRACE_MINUTES=30)
def test_a_late_submission_is_marked(world, day, post_zero):
    older = day - timedelta(days=2)
    post_zero(world.client("staff_b"), world.community_b, older)
    report = DailyReport.objects.get(community=world.community_b, day=older)
    assert report.late
    assert report.status_label == "零报告（迟报）"


@ON_TIME
def test_an_amendment_keeps_the_history_and_is_audited(counted, day):
    client = counted.client("staff_a")
    values = full(COUNTED)
    client.post(url("submit", counted.community_a, day), form(values))
    amended = {**values, "leaflets": 200}
    body = form(amended)
    response = client.post(url("amend", counted.community_a, day), body)
    assert response.status_code == 400  # the reason is required
    body["reason"] = "补报东区宣传资料"
    response = client.post(url("amend", counted.community_a, day), body)
    assert response.status_code == 302
    report = DailyReport.objects.get(community=counted.community_a, day=day)
    assert report.amendments == 1
    first, second = report.revisions.all()
    assert first.values["leaflets"] == 0
    assert second.values["leaflets"] == 200
    assert second.changes == [
        {
            "code": "leaflets",
            "label": "发放宣传资料",
            "from": 0,
            "to": 200,
            "reason": "补报东区宣传资料",
        }
    ]
    assert second.reason == "补报东区宣传资料"
    event = AuditEvent.objects.get(action="update", object_id=str(report.pk))
    assert "发放宣传资料 0→200" in event.detail
    assert "补报东区宣传资料" in event.detail
    page = client.get(url("report", counted.community_a, day)).content.decode()
    assert "修改记录" in page
    assert "补报东区宣传资料" in page


@ON_TIME
def test_an_amendment_moves_the_totals(counted, day):
    rollup(day)
    client = counted.client("staff_a")
    values = full(COUNTED)
    client.post(url("submit", counted.community_a, day), form(values))
    body = form({**values, "leaflets": 300})
    body["reason"] = "补报"
    client.post(url("amend", counted.community_a, day), body)
    top = DailyFigure.objects.get(area=counted.subdistrict, day=day)
    assert top.values["leaflets"] == 300
    assert top.submitted == 1


def test_only_the_communitys_staff_submit(counted, day):
    assert counted.client("hq").post(url("zero", counted.community_a, day)).status_code == 403
    assert counted.client("staff_b").get(url("report", counted.community_a, day)).status_code == 404
    assert counted.client("hq").get(url("report", counted.community_a, day)).status_code == 200


@pytest.mark.parametrize("persona", ["hq", "leader"])
def test_readers_see_an_unsubmitted_report_without_a_form(counted, day, persona):
    page = counted.client(persona).get(url("report", counted.community_a, day)).content.decode()
    assert "填报数（未上报）" in page
    assert "<form" not in page.split("<main", 1)[1]
    assert counted.client("staff_a").get(url("report", counted.community_a, day)).context["form"]


@ON_TIME
def test_a_zero_report_corrected_to_an_incident_is_no_longer_zero(world, day, post_zero):
    rollup(day)
    client = world.client("staff_b")
    post_zero(client, world.community_b, day)
    report = DailyReport.objects.get(community=world.community_b, day=day)
    assert report.is_zero
    values = {v.code: v.value for v in report.values.all()}
    body = form({**values, "fevers": 1}, reasons={"fevers": "夜间卡点发现发热1人，系统漏记"})
    body["reason"] = "补报发热人员"
    assert client.post(url("amend", world.community_b, day), body).status_code == 302
    report.refresh_from_db()
    assert not report.is_zero
    assert report.status_label == "已报"
    assert DailyFigure.objects.get(area=world.subdistrict, day=day).zero == 0
    event = AuditEvent.objects.get(action="update", object_id=str(report.pk))
    assert "不再是零报告" in event.detail


@ON_TIME
def test_a_zero_report_amended_to_an_incident_no_longer_says_zero_anywhere(world, day, post_zero):
    rollup(day)
    client = world.client("staff_b")
    post_zero(client, world.community_b, day)
    report = DailyReport.objects.get(community=world.community_b, day=day)
    values = {v.code: v.value for v in report.values.all()}
    body = form({**values, "fevers": 1}, reasons={"fevers": "夜间卡点发现发热1人，系统漏记"})
    body["reason"] = "补报夜间发现的发热人员"
    client.post(url("amend", world.community_b, day), body)
    report.refresh_from_db()
    assert report.note == "补报夜间发现的发热人员"
    page = client.get(url("report", world.community_b, day)).content.decode()
    assert "情况说明：补报夜间发现的发热人员" in page
    assert "情况说明：无新增情况" not in page
    first, second = report.revisions.all()  # the history keeps how it was submitted
    assert first.kind == ReportRevision.Kind.ZERO
    assert first.reason == actions.ZERO_NOTE
    assert second.kind == ReportRevision.Kind.AMEND
    hq = world.client("hq")
    overview = hq.get(reverse("reports:overview"), {"day": day.isoformat()})
    status = {row.area.name: row.status for row in overview.context["table"].rows}
    assert status["八一社区"] == "已报"
    assert overview.context["table"].total.zero == 0
    text = hq.get(reverse("reports:bulletin"), {"day": day.isoformat()}).context["form"]
    assert "其中零报告0个" in text.initial["text"]


@ON_TIME
def test_an_amendment_that_keeps_every_incident_at_zero_keeps_a_zero_report(world, day, post_zero):
    data.manual_indicator("leaflets")
    client = world.client("staff_b")
    post_zero(client, world.community_b, day)
    report = DailyReport.objects.get(community=world.community_b, day=day)
    values = {v.code: v.value for v in report.values.all()}
    body = form({**values, "leaflets": 50})
    body["reason"] = "补报宣传资料"
    assert client.post(url("amend", world.community_b, day), body).status_code == 302
    report.refresh_from_db()
    assert report.is_zero
    assert report.status_label == "零报告"
    assert report.note == actions.ZERO_NOTE


@ON_TIME
def test_submissions_zero_reports_and_amendments_are_audited_with_the_source_ip(
    counted, day, post_zero
):
    staff_a, staff_b = counted.client("staff_a"), counted.client("staff_b")
    values = full(COUNTED)
    staff_a.post(url("submit", counted.community_a, day), form(values), REMOTE_ADDR="10.1.2.3")
    post_zero(staff_b, counted.community_b, day, REMOTE_ADDR="10.1.2.4")
    body = form({**values, "leaflets": 20})
    body["reason"] = "补报"
    staff_a.post(url("amend", counted.community_a, day), body, REMOTE_ADDR="10.1.2.5")
    events = AuditEvent.objects.filter(object_type="reports.DailyReport").order_by("id")
    assert [(e.detail[:4], e.ip) for e in events] == [
        ("上报日报", "10.1.2.3"),
        ("零报告", "10.1.2.4"),
        ("更正日报", "10.1.2.5"),
    ]
    assert {e.username for e in events} == {"staff_a", "staff_b"}


def test_a_report_submitted_without_a_request_is_audited_without_an_ip(world, day):
    report = actions.report_for(community=world.community_b, day=day)
    actions.zero_report(report=report, by=world.staff_b, now=days.window(day).end)
    event = AuditEvent.objects.get(object_type="reports.DailyReport")
    assert (event.username, event.ip) == ("staff_b", None)


@ON_TIME
def test_a_report_submitted_as_the_rollup_writes_its_figures_is_counted_once(counted, day):
    """The roll-up inserts the community's row after the submission looked for it."""
    rollup(day)
    real = rollups._locked_figures

    def before_the_rollups_row(day, paths):
        return real(day, paths[:-1])  # the community's own path is the last

    with stale_first_call(rollups, "_locked_figures", before_the_rollups_row):
        response = counted.client("staff_a").post(
            url("submit", counted.community_a, day), form(full(COUNTED))
        )
    assert response.status_code == 302
    mine = DailyFigure.objects.get(area=counted.community_a, day=day)
    top = DailyFigure.objects.get(area=counted.subdistrict, day=day)
    assert (mine.submitted, top.submitted) == (1, 1)
    assert mine.values["households_expected"] == 8


def test_an_amendment_names_a_figure_added_after_the_submission_as_blank(world, day, post_zero):
    """HQ added a figure after the community reported: the amendment fills it in, and
    the audit row says it had no figure (—), not Python's None."""
    client = world.client("staff_b")
    post_zero(client, world.community_b, day)
    data.manual_indicator("leaflets")
    lines = client.get(url("amend", world.community_b, day)).context["form"].lines
    values = {line.code: line.value for line in lines}
    assert values["leaflets"] is None
    body = form({**values, "leaflets": 0, "fevers": 1}, {"fevers": "晚间发现"})
    body["reason"] = "补报发热"
    assert client.post(url("amend", world.community_b, day), body).status_code == 302
    event = AuditEvent.objects.get(action="update")
    assert "发放宣传资料 —→0" in event.detail
    assert "None" not in event.detail
