import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouwang.accounts.models import AuditEvent
from shouwang.areas.tests.factories import child
from shouwang.core import text
from shouwang.reports import actions, days, tables
from shouwang.reports.models import DailyFigure, IndicatorDefinition, Reminder
from shouwang.reports.rollup import rollup

from . import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolled(world, day):
    data.household(world.building_a, persons=2, at=days.window(day).start)
    data.fever(world.building_b, at=days.window(day).start + timedelta(hours=1))
    actions.zero_report(
        report=actions.report_for(community=world.community_a, day=day),
        by=world.staff_a,
        now=days.window(day).end + timedelta(minutes=5),
    )
    rollup(day)
    return world


def test_hq_sees_who_has_reported(rolled, day):
    response = rolled.client("hq").get(reverse("reports:overview"), {"day": day.isoformat()})
    assert response.status_code == 200
    table = response.context["table"]
    assert (table.total.communities, table.total.submitted, table.total.missing) == (2, 1, 1)
    assert table.missing == ["八一社区"]
    status = {row.area.name: row.status for row in table.rows}
    assert status == {"西城社区": "零报告", "八一社区": "未报"}
    page = response.content.decode()
    assert "未报：八一社区" in page


def test_a_long_list_of_missing_communities_says_it_is_cut_short(world, day, monkeypatch):
    """The overview names at most ``MISSING_LISTED`` communities that have not reported
    (200: a district has thousands): with more, it says how many there are in all."""
    rollup(day)
    url = f"{reverse('reports:overview')}?day={day.isoformat()}"
    page = world.client("hq").get(url).content.decode()
    assert "未报：西城社区、八一社区</p>" in page
    monkeypatch.setattr(tables, "MISSING_LISTED", 1)
    page = world.client("hq").get(url).content.decode()
    assert "未报：西城社区等2个</p>" in page


def test_the_overview_reads_a_fixed_number_of_queries(rolled, day):
    client = rolled.client("hq")
    url = f"{reverse('reports:overview')}?day={day.isoformat()}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        child(rolled.subdistrict, f"加测社区{n}")
    rollup(day)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_hq_drills_down_and_a_community_cannot_look_up(rolled, day):
    client = rolled.client("hq")
    response = client.get(reverse("reports:overview"), {"area": rolled.district.pk})
    assert response.status_code == 404  # above the HQ's own area
    response = client.get(reverse("reports:overview"), {"area": rolled.community_b.pk})
    assert response.status_code == 200
    assert rolled.client("staff_a").get(reverse("reports:overview")).status_code == 403


def test_the_days_xlsx_has_one_row_per_community_and_a_total(rolled, day):
    response = rolled.client("hq").get(reverse("reports:export"), {"day": day.isoformat()})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("序号", "街道/乡镇", "社区/村", "上报状态", "上报时间")
    assert "发现发热人员（人）" in header
    assert [r[2] for r in rows[1:-1]] == ["西城社区", "八一社区"]
    assert rows[-1][0] == "合计"
    fevers = header.index("发现发热人员（人）")
    assert rows[-1][fevers] == rows[1][fevers] + rows[2][fevers] == 1
    assert AuditEvent.objects.filter(action="export").exists()


def test_each_indicators_trend(rolled, day):
    rollup(day - timedelta(days=1))
    response = rolled.client("leader").get(reverse("reports:trend", args=["fevers"]))
    assert response.status_code == 200
    chart = response.context["chart"]
    assert len(chart["days"]) == 14
    assert chart["values"][-2] == 1  # the last closed day; the last point is today
    assert rolled.client("leader").get(reverse("reports:trend", args=["nope"])).status_code == 404


def test_hq_adds_retires_and_reorders_indicators(rolled, day):
    client = rolled.client("hq")
    client.get(reverse("reports:indicators"))
    response = client.post(
        reverse("reports:indicator_new"),
        {"code": "masks_handed_out", "label": "发放口罩", "unit": "个", "kind": "flow", "order": 5},
    )
    assert response.status_code == 302
    added = IndicatorDefinition.objects.get(code="masks_handed_out")
    assert added.source == "manual"
    form = rolled.client("staff_a").get(
        reverse("reports:report", kwargs={"pk": rolled.community_b.pk, "day": day})
    )
    assert form.status_code == 404
    page = rolled.client("staff_b").get(
        reverse("reports:report", kwargs={"pk": rolled.community_b.pk, "day": day})
    )
    codes = [line.code for line in page.context["lines"]]
    assert codes[0] == "masks_handed_out"  # order 5 comes first
    fevers = IndicatorDefinition.objects.get(code="fevers")
    client.post(reverse("reports:indicator_toggle", args=[fevers.pk]), {"active": "0"})
    client.post(reverse("reports:indicator_move", args=[added.pk]), {"direction": "down"})
    page = rolled.client("staff_b").get(
        reverse("reports:report", kwargs={"pk": rolled.community_b.pk, "day": day})
    )
    codes = [line.code for line in page.context["lines"]]
    assert "fevers" not in codes
    assert codes[:2] == ["key_in_observation", "masks_handed_out"]
    bad = client.post(
        reverse("reports:indicator_new"), {"code": "Bad Code", "label": "x", "kind": "flow"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("code", ["date", "communities", "reports"])
def test_an_indicator_may_not_take_the_name_of_a_bulletin_placeholder(world, code):
    """{date}, {communities}, {reports} … are the bulletin's own: an indicator coded so
    was saved, and its figure could never appear in a bulletin."""
    response = world.client("hq").post(
        reverse("reports:indicator_new"),
        {"code": code, "label": "社区数", "unit": "个", "kind": "stock", "order": 5},
    )
    assert response.status_code == 400
    assert "通报模板的通用占位符" in response.content.decode()
    assert not IndicatorDefinition.objects.filter(code=code).exists()


def test_the_reminder_job_is_idempotent_and_visible(rolled, day):
    call_command("report_reminders")
    call_command("report_reminders")
    reminders = Reminder.objects.filter(day=day)
    assert [r.community_id for r in reminders] == [rolled.community_b.pk]
    page = rolled.client("staff_b").get(reverse("reports:community", args=[rolled.community_b.pk]))
    assert reminders[0].message in page.content.decode()


def test_reminders_are_due_before_the_deadline_and_overdue_after(rolled, day):
    due = days.deadline(day)
    assert actions.send_reminders(now=due - timedelta(minutes=1)) == 1
    assert actions.send_reminders(now=due - timedelta(seconds=10)) == 0
    assert actions.send_reminders(now=due + timedelta(minutes=1)) == 1
    kinds = sorted(Reminder.objects.values_list("kind", flat=True))
    assert kinds == ["due", "overdue"]


def test_a_reminder_at_the_deadline_instant_is_still_due(rolled, day):
    """A report submitted at the deadline instant is on time (``days.is_late``): the
    reminder left then says it is due, not overdue."""
    due = days.deadline(day)
    assert not days.is_late(day, due)
    assert actions.send_reminders(now=due) == 1
    assert Reminder.objects.get().kind == Reminder.Kind.DUE


def test_the_rollup_command_finalises_the_closed_day_once(rolled, day):
    DailyFigure.objects.all().delete()
    call_command("report_rollup")
    assert set(DailyFigure.objects.values_list("day", flat=True)) == {day, days.open_day()}
    before = DailyFigure.objects.get(area=rolled.subdistrict, day=day).computed_at
    call_command("report_rollup")
    assert DailyFigure.objects.get(area=rolled.subdistrict, day=day).computed_at == before


def test_a_day_with_no_day_before_it_is_a_400_not_a_500(rolled, day):
    client = rolled.client("hq")
    for name in ("reports:overview", "reports:bulletin", "reports:export"):
        response = client.get(reverse(name), {"day": "0001-01-01"})
        assert response.status_code == 400
        assert "日期“0001-01-01”无效" in response.content.decode()
    response = client.post(f"{reverse('reports:rollup')}?day=0001-01-01")
    assert response.status_code == 400
    assert not DailyFigure.objects.filter(day=days.open_day()).exists()
    page = f"/reports/c/{rolled.community_a.pk}/0001-01-01/"
    staff = rolled.client("staff_a")
    for response in (staff.get(page), staff.post(f"{page}zero/")):
        assert response.status_code == 400
        assert "日期“0001-01-01”无效" in response.content.decode()


def test_a_day_not_yet_started_has_no_overview_nor_xlsx(rolled):
    """A typed or bookmarked future day: a 404 that says so (as the bulletin's), not an
    empty table offering a roll-up that is refused, nor an empty sheet."""
    later = days.open_day() + timedelta(days=1)
    hq = rolled.client("hq")
    for name in ("reports:overview", "reports:export"):
        for when in (later.isoformat(), "9999-12-31"):
            response = hq.get(reverse(name), {"day": when})
            assert response.status_code == 404, (name, when)
            assert "尚未开始" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    today = hq.get(reverse("reports:overview"), {"day": days.open_day().isoformat()})
    assert today.status_code == 200


def test_the_day_in_progress_lists_no_community_as_missing(rolled):
    """Day D can be reported only after its cutoff: while it runs, no community is
    未报 — the overview and the xlsx say 统计中."""
    today = days.open_day()
    rollup(today)
    client = rolled.client("hq")
    response = client.get(reverse("reports:overview"), {"day": today.isoformat()})
    assert response.status_code == 200
    table = response.context["table"]
    assert table.in_progress
    assert table.missing == []
    assert {row.status for row in table.rows} == {"统计中"}
    page = response.content.decode()
    assert "未报" not in page
    assert "统计中" in page
    drill = client.get(
        reverse("reports:overview"), {"day": today.isoformat(), "area": rolled.district.pk}
    )
    assert drill.status_code == 404  # above the HQ's own area (unchanged)
    sheet = client.get(reverse("reports:export"), {"day": today.isoformat()})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:-1]] == ["统计中", "统计中"]
    assert rows[-1][3] == "统计中"


def test_a_sub_districts_row_of_the_day_in_progress_is_not_missing(rolled):
    today = days.open_day()
    rollup(today)
    response = rolled.client("hq").get(
        reverse("reports:overview"), {"day": today.isoformat(), "area": rolled.subdistrict.pk}
    )
    assert "未报" not in response.content.decode()


def test_the_daily_report_link_takes_each_role_to_its_own_page(world):
    # HQ and leaders submit nothing: 日报 at /reports/ takes them to the roll-up, not a 403.
    for persona in ("hq", "leader"):
        response = world.client(persona).get(reverse("reports:index"))
        assert response["Location"] == reverse("reports:overview"), persona
    response = world.client("staff_a").get(reverse("reports:index"))
    assert response["Location"] == reverse("reports:community", args=[world.community_a.pk])
    assert world.client("grid_a").get(reverse("reports:index")).status_code == 403


def test_the_xlsx_of_a_day_not_rolled_up_still_lists_every_community(world, day):
    """With the roll-up behind (the worker down), the sheet keeps its layout: every
    community with its status, blank figures where none are stored, and a total row
    saying the day is not rolled up — not a sheet without the community that has not
    reported."""
    actions.zero_report(
        report=actions.report_for(community=world.community_a, day=day),
        by=world.staff_a,
        now=days.window(day).end + timedelta(minutes=5),
    )
    assert not DailyFigure.objects.filter(area=world.subdistrict, day=day).exists()
    response = world.client("hq").get(reverse("reports:export"), {"day": day.isoformat()})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    fevers = rows[0].index("发现发热人员（人）")
    body = {r[2]: (r[3], r[fevers]) for r in rows[1:-1]}
    assert body == {"西城社区": ("零报告", 0), "八一社区": ("未报", None)}
    assert rows[-1][:4] == ("合计", "明湖街道", "2个社区", "该日尚未汇总")


def test_rolling_up_again_returns_to_the_area_it_was_asked_from(rolled, day):
    url = f"{reverse('reports:rollup')}?area={rolled.community_b.pk}&day={day.isoformat()}"
    response = rolled.client("hq").post(url)
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('reports:overview')}?area={rolled.community_b.pk}&day={day.isoformat()}"
    )


def test_an_indicator_may_not_take_the_code_or_the_name_of_another(rolled):
    client = rolled.client("hq")
    client.get(reverse("reports:indicators"))  # seeds the rows
    new = {"label": "发放宣传资料", "unit": "份", "kind": "flow", "order": 100}
    taken_code = client.post(reverse("reports:indicator_new"), {**new, "code": "fevers"})
    assert taken_code.status_code == 400
    assert "代码“fevers”已被指标“发现发热人员”使用，请换一个代码" in taken_code.content.decode()
    taken_name = client.post(
        reverse("reports:indicator_new"), {**new, "code": "leaflets", "label": "发现发热人员"}
    )
    assert taken_name.status_code == 400
    assert "名称“发现发热人员”已被指标 fevers 使用" in taken_name.content.decode()
    assert not IndicatorDefinition.objects.filter(code="leaflets").exists()
    # Renaming one to another's name is refused too; keeping its own name is not.
    fevers = IndicatorDefinition.objects.get(code="fevers")
    edit = reverse("reports:indicator_edit", args=[fevers.pk])
    fields = {"label": "新增重点人员", "unit": "人", "order": fevers.order}
    assert client.post(edit, fields).status_code == 400
    assert client.post(edit, {**fields, "label": "发现发热人员"}).status_code == 302


@pytest.mark.parametrize("direction", ["", "sideways", "UP"])
def test_moving_an_indicator_in_no_direction_is_a_400_and_moves_nothing(world, direction):
    client = world.client("hq")
    client.get(reverse("reports:indicators"))  # seeds the rows
    fevers = IndicatorDefinition.objects.get(code="fevers")
    before = list(IndicatorDefinition.objects.order_by("order").values_list("code", "order"))
    response = client.post(
        reverse("reports:indicator_move", args=[fevers.pk]), {"direction": direction}
    )
    assert response.status_code == 400
    assert "只能上移（up）或下移（down）" in response.content.decode()
    after = list(IndicatorDefinition.objects.order_by("order").values_list("code", "order"))
    assert after == before


def test_the_day_is_named_alike_in_the_heading_and_the_message(rolled, day):
    client = rolled.client("hq")
    url = f"{reverse('reports:rollup')}?day={day.isoformat()}"
    page = client.post(url, follow=True).content.decode()
    label = f"{day.month}月{day.day}日"  # no leading zero (not 01月01日)
    assert f"已重新汇总 {label}：" in page
    assert f"明湖街道 · {label}日报汇总" in page


def test_a_day_of_another_year_is_named_with_its_year():
    today = timezone.localdate()
    last_winter = date(today.year - 1, 1, 25)
    assert text.day_label(last_winter) == f"{today.year - 1}年1月25日"
    assert text.day_label(today) == f"{today.month}月{today.day}日"


def test_retiring_an_indicator_twice_keeps_it_retired(world):
    """A double tap on 停用 (or the browser resending the form) once re-enabled it."""
    client = world.client("hq")
    client.get(reverse("reports:indicators"))
    fevers = IndicatorDefinition.objects.get(code="fevers")
    toggle = reverse("reports:indicator_toggle", args=[fevers.pk])
    for _ in range(2):
        assert client.post(toggle, {"active": "0"}).status_code == 302
    fevers.refresh_from_db()
    assert not fevers.active
    assert AuditEvent.objects.filter(detail="停用日报指标 fevers").count() == 1
    assert client.post(toggle, {"active": "1"}).status_code == 302
    fevers.refresh_from_db()
    assert fevers.active
    assert 'name="active" value="0"' in client.get(reverse("reports:indicators")).content.decode()


@pytest.mark.parametrize("active", ["", "yes", "2"])
def test_retiring_with_no_state_is_a_400_and_changes_nothing(world, active):
    client = world.client("hq")
    client.get(reverse("reports:indicators"))
    fevers = IndicatorDefinition.objects.get(code="fevers")
    response = client.post(
        reverse("reports:indicator_toggle", args=[fevers.pk]), {"active": active}
    )
    assert response.status_code == 400
    assert "启用（1）或停用（0）" in response.content.decode()
    fevers.refresh_from_db()
    assert fevers.active


def test_moving_an_indicator_is_audited(world):
    client = world.client("hq")
    client.get(reverse("reports:indicators"))
    rows = list(IndicatorDefinition.objects.values_list("code", flat=True))
    fevers = IndicatorDefinition.objects.get(code="fevers")
    move = reverse("reports:indicator_move", args=[fevers.pk])
    assert client.post(move, {"direction": "up"}).status_code == 302
    codes = list(IndicatorDefinition.objects.values_list("code", flat=True))
    at = rows.index("fevers")
    assert codes[at - 1 : at + 1] == ["fevers", rows[at - 1]]
    event = AuditEvent.objects.get(object_id=str(fevers.pk))
    assert event.user == world.hq
    assert event.detail == "上移日报指标 fevers"


def test_past_the_deadline_the_page_shows_the_overdue_reminder_only(rolled, day):
    """The due reminder (请于16:00前提交) is stale once the overdue one is left: the page
    said both, the first no longer true."""
    due = days.deadline(day)
    actions.send_reminders(now=due - timedelta(minutes=1))
    actions.send_reminders(now=due + timedelta(minutes=1))
    due_text, overdue_text = (
        Reminder.objects.get(kind=kind).message for kind in (Reminder.Kind.DUE, "overdue")
    )
    page = rolled.client("staff_b").get(reverse("reports:community", args=[rolled.community_b.pk]))
    assert overdue_text in page.content.decode()
    assert due_text not in page.content.decode()
