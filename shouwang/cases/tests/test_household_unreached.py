"""联系不上: a knock nobody answered, a call never picked up. The attempt is recorded,
counts as 未联系上 (neither visited nor missed), leaves the household on the day's
list, gives way to a visit later that day, and two days running raise an alert — also
when the second day goes by without anyone trying (the cases_unreached job)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shouwang.cases.key_areas import unvisited, visit_progress
from shouwang.cases.models import HouseholdVisit, SecondDayUnreached
from shouwang.core.text import day_label
from shouwang.reports.days import window
from shouwang.reports.rollup import auto_values
from shouwang.watch.models import Alert

from .factories import attempt_on, make_person, unreached, visit_data


def test_a_tap_records_the_attempt_and_keeps_the_household_to_visit(marked):
    client = marked.client("grid_a")
    household = marked.zhang.household
    response = unreached(client, household.pk, method="phone", note="电话无人接听")
    assert response.status_code == 200
    html = response.content.decode()
    visit = HouseholdVisit.objects.get()
    at = timezone.localtime(visit.recorded_at).strftime("%H:%M")
    assert f"今日未联系上 · {at} 电话 · {marked.grid_worker_a}" in html
    assert "说明：电话无人接听" in html
    # still offered: the visit buttons and the dial links are there, 联系不上 is not
    assert "电话·全户正常" in html
    assert reverse("cases:resident_call", args=[marked.zhang.pk]) in html
    assert "·联系不上" not in html
    assert 'class="w-card unreached"' in html
    assert (visit.reached, visit.method, visit.note) == (False, "phone", "电话无人接听")
    assert (visit.recorded_by, visit.unreached_at) == (marked.grid_worker_a, visit.recorded_at)
    assert not Alert.objects.exists()
    page = client.get(reverse("cases:visits")).content.decode()
    assert "今日应随访 3 户，已随访 0 户，未联系上 1 户" in page
    # pending households first, then the one not reached
    assert page.index("王芳") < page.index("赵磊") < page.index("张伟")


def test_a_plain_post_records_it_and_comes_back_to_the_list(marked):
    client = marked.client("grid_a")
    response = client.post(
        reverse("cases:visit_unreached", args=[marked.wang.household_id]), visit_data()
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:visits")
    page = client.get(reverse("cases:visits")).content.decode()
    assert "西城花园1号楼102：已记录未联系上" in page
    assert "未联系上 1 户" in page
    assert not HouseholdVisit.objects.get().reached
    again = client.post(
        reverse("cases:visit_unreached", args=[marked.wang.household_id]), visit_data(), follow=True
    )
    assert "西城花园1号楼102：今天已有记录，未重复保存" in again.content.decode()
    assert HouseholdVisit.objects.count() == 1


def test_the_same_tap_twice_or_a_second_attempt_stores_once(marked):
    client = marked.client("grid_a")
    household_id = marked.zhang.household_id
    data = visit_data()
    first = client.post(
        reverse("cases:visit_unreached", args=[household_id]), data, HTTP_HX_REQUEST="true"
    )
    again = client.post(
        reverse("cases:visit_unreached", args=[household_id]), data, HTTP_HX_REQUEST="true"
    )
    other = unreached(client, household_id, method="phone")
    assert first.status_code == again.status_code == other.status_code == 200
    assert "该户今天已记录未联系上，未重复保存" in other.content.decode()
    visit = HouseholdVisit.objects.get()
    assert (str(visit.client_id), visit.method) == (data["client_id"], "visit")


def test_a_visit_later_that_day_replaces_the_attempt(marked):
    client = marked.client("grid_a")
    household_id = marked.zhang.household_id
    tap = visit_data()
    client.post(reverse("cases:visit_unreached", args=[household_id]), tap)
    tried = HouseholdVisit.objects.get()
    response = client.post(
        reverse("cases:visit", args=[household_id]),
        visit_data(method="phone"),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "✓ 电话 全户正常" in html
    assert f"（{timezone.localtime(tried.recorded_at):%H:%M} 曾未联系上）" in html
    assert "未重复保存" not in html
    visit = HouseholdVisit.objects.get()
    assert (visit.reached, visit.method, visit.unreached_at) == (True, "phone", tried.recorded_at)
    days = visit_progress([marked.key_area])[marked.key_area.pk]
    assert (days[0].visited, days[0].unreached, days[0].missed) == (1, 0, 2)
    # The attempt's tap arriving again late (a retry) does not undo the visit.
    late = client.post(
        reverse("cases:visit_unreached", args=[household_id]), tap, HTTP_HX_REQUEST="true"
    )
    assert "该户今天已有随访记录，未重复保存" in late.content.decode()
    assert HouseholdVisit.objects.get().reached


def test_a_member_found_unwell_later_that_day_replaces_the_attempt(marked):
    client = marked.client("staff_a")
    household_id = marked.zhang.household_id
    unreached(client, household_id)
    client.post(
        reverse("cases:visit", args=[household_id]),
        visit_data(person=marked.zhang.pk, temperature="38.6"),
    )
    visit = HouseholdVisit.objects.get()
    assert (visit.reached, visit.abnormal, visit.findings.count()) == (True, True, 1)
    assert Alert.objects.get().kind == Alert.Kind.FEVER


def test_an_attempt_after_a_visit_changes_nothing(marked):
    client = marked.client("grid_a")
    household_id = marked.zhang.household_id
    client.post(reverse("cases:visit", args=[household_id]), visit_data())
    response = unreached(client, household_id)
    assert response.status_code == 200
    assert "该户今天已有随访记录，未重复保存" in response.content.decode()
    visit = HouseholdVisit.objects.get()
    assert (visit.reached, visit.unreached_at) == (True, None)


def test_counts_tell_visited_unreached_and_missed_apart(marked, today):
    marked.key_area.start_date = today - timedelta(days=1)
    marked.key_area.save()
    staff = marked.client("staff_a")
    staff.post(reverse("cases:visit", args=[marked.zhang.household_id]), visit_data())
    unreached(staff, marked.wang.household_id)
    attempt_on(marked, marked.zhao.household, today - timedelta(days=1))
    days = visit_progress([marked.key_area])[marked.key_area.pk]
    assert [(d.due, d.visited, d.unreached, d.abnormal, d.missed) for d in days] == [
        (3, 1, 1, 0, 1),
        (3, 0, 1, 0, 2),
    ]
    assert {h.pk for h in unvisited(marked.key_area, today)} == {marked.zhao.household_id}
    hq = marked.client("hq")
    detail = hq.get(reverse("cases:key_area", args=[marked.key_area.pk])).content.decode()
    assert "今日已随访 1/3 户，未联系上 1 户" in detail
    assert '<td>3</td><td>0</td><td>1</td><td>0</td><td><span class="bad">2</span>' in detail
    # The list alone: the 住户名单 below names every household, this one too.
    yesterday_missed = detail.split("漏访住户")[1].split("</ul>")[0]
    assert "西城花园1号楼101" in yesterday_missed
    assert "西城花园2号楼201" not in yesterday_missed  # tried, not missed
    listing = hq.get(reverse("cases:key_areas")).content.decode()
    assert '1/3 户 <span class="badge yellow">未联系上 1</span>' in listing
    assert "（另未联系上 1 户）" in listing
    home = marked.client("staff_a").get(reverse("core:home"))
    item = next(i for i in home.context["todo"] if i.label == "重点区域待随访（户）")
    assert (item.count, item.note) == (2, "已随访 1/3，未联系上 1")


def test_two_days_not_reached_raise_an_alert_once_a_day(marked, today):
    household = marked.zhang.household
    attempt_on(marked, household, today - timedelta(days=2))
    attempt_on(marked, household, today - timedelta(days=1))  # day 2: alert
    assert Alert.objects.count() == 1
    client = marked.client("grid_a")
    unreached(client, household.pk, note="敲门无人应答")  # day 3: alert
    unreached(client, household.pk, method="phone")  # a second try: nothing new
    alerts = list(Alert.objects.order_by("raised_at"))
    assert len(alerts) == 2
    todays_alert = alerts[1]
    assert (todays_alert.kind, todays_alert.area, todays_alert.person) == (
        Alert.Kind.OVERDUE,
        marked.building_a,
        None,
    )
    assert todays_alert.title == "重点区域住户连续两天未联系上：西城花园1号楼101"
    assert "上门未联系上" in todays_alert.detail
    assert "张*" in todays_alert.detail
    assert "李*" in todays_alert.detail
    assert "张伟" not in todays_alert.detail + todays_alert.title
    assert "说明：敲门无人应答" in todays_alert.detail
    assert (todays_alert.source_type, todays_alert.source_id) == (
        "cases.HouseholdVisit",
        str(HouseholdVisit.objects.get(household=household, day=today).pk),
    )
    staff_page = marked.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert "连续两天未联系上" in staff_page
    other = marked.client("staff_b").get(reverse("watch:alerts")).content.decode()
    assert "连续两天未联系上" not in other


def test_the_first_day_not_reached_raises_no_alert(marked):
    unreached(marked.client("grid_a"), marked.zhang.household_id)
    assert not Alert.objects.exists()


def test_a_day_visited_or_missed_before_raises_no_alert(marked, today):
    yesterday = today - timedelta(days=1)
    marked.key_area.start_date = yesterday
    marked.key_area.save()
    HouseholdVisit.objects.create(
        key_area=marked.key_area,
        household=marked.zhang.household,
        day=yesterday,
        method="visit",
        client_id=uuid.uuid4(),
    )
    client = marked.client("grid_a")
    unreached(client, marked.zhang.household_id)  # visited yesterday
    unreached(client, marked.wang.household_id)  # missed yesterday (漏访): no attempt
    assert not Alert.objects.exists()


def test_bad_input_is_refused_with_a_message_and_nothing_stored(marked):
    client = marked.client("grid_a")
    for fields, message in (
        ({"method": "fax"}, "请选择随访方式"),
        ({"client_id": "x"}, "提交编号无效"),
        ({"note": "长" * 201}, "情况说明不超过 200 字"),
    ):
        response = unreached(client, marked.zhang.household_id, **fields)
        assert response.status_code == 400
        assert message in response.content.decode()
    plain = client.post(
        reverse("cases:visit_unreached", args=[marked.zhang.household_id]),
        visit_data(method=""),
    )
    assert plain.status_code == 400
    assert "请选择随访方式" in plain.content.decode()
    assert not HouseholdVisit.objects.exists()


def test_households_outside_scope_or_key_areas_are_refused(marked, today):
    client = marked.client("grid_a")
    outside_scope = unreached(client, marked.outside.household_id)
    assert outside_scope.status_code == 404
    marked.zhao.moved_out = True
    marked.zhao.save()
    empty = unreached(client, marked.zhao.household_id)
    assert empty.status_code == 400
    assert "台账中该户已没有现住人员" in empty.content.decode()
    marked.key_area.start_date = today - timedelta(days=3)
    marked.key_area.end_date = today
    marked.key_area.save()
    lifted = unreached(client, marked.zhang.household_id)
    assert lifted.status_code == 400
    assert "该户不在管控中的重点区域" in lifted.content.decode()
    assert not HouseholdVisit.objects.exists()


def test_roles_without_the_duty_cannot_record_it(marked):
    for persona in ("guard_a", "auditor", "leader"):
        response = unreached(marked.client(persona), marked.zhang.household_id)
        assert response.status_code == 403
    assert (
        marked.client("grid_a")
        .get(reverse("cases:visit_unreached", args=[marked.zhang.household_id]))
        .status_code
        == 405
    )
    assert not HouseholdVisit.objects.exists()


def test_the_report_counts_only_the_visits_that_reached_someone(marked):
    day = date(2020, 2, 13)
    at = window(day).start + timedelta(hours=1)
    for person, reached in ((marked.zhang, True), (marked.wang, False)):
        HouseholdVisit.objects.create(
            key_area=marked.key_area,
            household=person.household,
            day=timezone.localtime(at).date(),
            method="visit",
            reached=reached,
            unreached_at=None if reached else at,
            client_id=uuid.uuid4(),
            recorded_at=at,
        )
    assert auto_values(marked.community_a, day)["household_visits"] == 1


def test_the_page_keeps_its_query_count(marked):
    client = marked.client("staff_a")
    url = reverse("cases:visits")
    unreached(client, marked.zhang.household_id)
    client.post(
        reverse("cases:visit", args=[marked.wang.household_id]),
        visit_data(),
        HTTP_HX_REQUEST="true",
    )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(6):
        person = make_person(marked.building_a2, f"新住户{n}", room=f"5{n:02d}")
        if n % 2:
            unreached(client, person.household_id)
        else:
            client.post(
                reverse("cases:visit", args=[person.household_id]),
                visit_data(),
                HTTP_HX_REQUEST="true",
            )
    assert queries() == few


def run_job() -> str:
    out = StringIO()
    call_command("cases_unreached", stdout=out)
    return out.getvalue()


def test_a_household_tried_and_then_not_tried_at_all_raises_the_alert_by_the_job(marked, today):
    household = marked.zhang.household
    day_before = attempt_on(marked, household, today - timedelta(days=2))
    assert "新增连续两天未联系上 1 户" in run_job()  # yesterday went by without a try
    alert = Alert.objects.get()
    assert (alert.kind, alert.area, alert.person) == (Alert.Kind.OVERDUE, marked.building_a, None)
    assert alert.title == "重点区域住户连续两天未联系上：西城花园1号楼101"
    yesterday = today - timedelta(days=1)
    assert alert.detail.startswith(
        f"{day_label(day_before.day, year=True)} "
        f"{timezone.localtime(day_before.unreached_at):%H:%M}"
        f"上门未联系上；{day_label(yesterday, year=True)} 全天无随访记录；在家人员：张*、李*"
    )
    assert "张伟" not in alert.detail + alert.title
    assert alert.raised_at == timezone.make_aware(datetime.combine(today, time()))
    lapse = SecondDayUnreached.objects.get()
    assert (lapse.household, lapse.day, lapse.attempt) == (household, yesterday, day_before)
    assert (alert.source_type, alert.source_id) == ("cases.SecondDayUnreached", str(lapse.pk))
    # Idempotent: a second run, every 15 minutes, adds nothing.
    assert "新增连续两天未联系上 0 户" in run_job()
    assert (Alert.objects.count(), SecondDayUnreached.objects.count()) == (1, 1)
    for persona, shown in (("staff_a", True), ("staff_b", False)):
        page = marked.client(persona).get(reverse("watch:alerts")).content.decode()
        assert ("连续两天未联系上" in page) is shown


def test_the_job_waits_for_the_day_to_end(marked, today):
    attempt_on(marked, marked.zhang.household, today - timedelta(days=1))
    run_job()  # not tried today yet: today is not over
    assert not Alert.objects.exists()


def test_the_job_leaves_a_household_tried_visited_or_no_longer_due_the_next_day(marked, today):
    two_days_ago, yesterday = today - timedelta(days=2), today - timedelta(days=1)
    for person in (marked.zhang, marked.wang, marked.zhao):
        attempt_on(marked, person.household, two_days_ago)
    attempt_on(marked, marked.zhang.household, yesterday)  # tried again: alert at once
    HouseholdVisit.objects.create(
        key_area=marked.key_area,
        household=marked.wang.household,
        day=yesterday,
        method="visit",
        client_id=uuid.uuid4(),
    )
    marked.zhao.moved_out = True  # the flat emptied: no visit due
    marked.zhao.save()
    assert "新增连续两天未联系上 0 户" in run_job()
    assert Alert.objects.count() == 1  # the second attempt's own alert
    assert not SecondDayUnreached.objects.exists()


def test_the_job_leaves_a_key_area_lifted_after_the_attempt(marked, today):
    attempt_on(marked, marked.zhang.household, today - timedelta(days=2))
    marked.key_area.end_date = today - timedelta(days=1)
    marked.key_area.save()
    run_job()
    assert not Alert.objects.exists()


def test_an_attempt_today_after_a_day_without_one_raises_nothing_more(marked, today):
    """The day without a try already raised its alert (the job); today's attempt follows
    no attempt, so it raises none of its own."""
    attempt_on(marked, marked.zhang.household, today - timedelta(days=2))
    run_job()
    unreached(marked.client("grid_a"), marked.zhang.household_id)
    assert Alert.objects.count() == 1


def test_the_worker_runs_the_job_every_15_minutes():
    from shouwang.core import schedule

    job = next(j for j in schedule.jobs() if j.command == "cases_unreached")
    assert (job.every, job.label) == (timedelta(minutes=15), "住户连续两天未联系上预警")
