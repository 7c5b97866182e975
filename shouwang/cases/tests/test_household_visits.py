"""The daily follow-up of households in key areas (住户随访): who is due, one-tap
recording, abnormal members raising alerts, counts per day, scope and permissions."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.cases.key_areas import households_to_visit, visit_progress
from shouwang.cases.models import HouseholdFinding, HouseholdVisit
from shouwang.cases.visits import CARDS_PER_PAGE
from shouwang.watch.models import Alert

from .factories import make_key_area, make_person, visit_data


def test_the_households_of_a_key_area_are_due_every_day(marked, today):
    due = households_to_visit()
    assert {h.pk for h in due} == {
        marked.zhang.household_id,
        marked.wang.household_id,
        marked.zhao.household_id,
    }
    assert not households_to_visit(today - timedelta(days=1)).exists()


def test_the_grid_worker_sees_the_households_of_their_grid_with_residents(marked):
    page = marked.client("grid_a").get(reverse("cases:visits"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "今日应随访 3 户，已随访 0 户" in html
    assert "西城花园1号楼101" in html
    assert "张伟" in html
    assert "李娜" in html
    assert "202" not in html  # the empty flat
    assert "孙丽" not in html  # another community
    assert "139" + "0" * 5 not in html  # phones masked


def test_one_tap_records_the_whole_household_normal(marked, today):
    client = marked.client("grid_a")
    household = marked.zhang.household
    data = visit_data()
    response = client.post(
        reverse("cases:visit", args=[household.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "✓ 上门" in response.content.decode()
    assert "全户正常" in response.content.decode()
    visit = HouseholdVisit.objects.get()
    assert (visit.household, visit.key_area, visit.day) == (household, marked.key_area, today)
    assert (visit.abnormal, visit.recorded_by) == (False, marked.grid_worker_a)
    assert not Alert.objects.exists()
    # The same tap sent again, and a second visit the same day, store nothing new.
    again = client.post(reverse("cases:visit", args=[household.pk]), data, HTTP_HX_REQUEST="true")
    other = client.post(
        reverse("cases:visit", args=[household.pk]),
        visit_data(method="phone"),
        HTTP_HX_REQUEST="true",
    )
    assert again.status_code == other.status_code == 200
    assert "该户今天已有随访记录，未重复保存" in other.content.decode()
    assert HouseholdVisit.objects.count() == 1
    page = client.get(reverse("cases:visits")).content.decode()
    assert "今日应随访 3 户，已随访 1 户" in page


def test_a_member_with_fever_raises_an_alert_with_the_name_masked(marked):
    household = marked.zhang.household
    response = marked.client("grid_a").post(
        reverse("cases:visit", args=[household.pk]),
        visit_data(person=marked.zhang_wife.pk, temperature="38.2", symptoms=["cough"]),
    )
    assert response.status_code == 302
    visit = HouseholdVisit.objects.get()
    finding = visit.findings.get()
    assert visit.abnormal
    assert (finding.person, str(finding.temperature)) == (marked.zhang_wife, "38.2")
    assert finding.recorded_by == marked.grid_worker_a
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.FEVER
    assert alert.area == marked.building_a
    assert alert.person == marked.zhang_wife
    assert "李*" in alert.title
    assert "李娜" not in alert.title
    assert "38.2" in alert.title
    assert "咳嗽" in alert.detail
    staff_page = marked.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert "重点区域住户异常" in staff_page


def test_a_member_found_unwell_after_the_household_was_recorded_well_is_kept(marked):
    household = marked.zhang.household
    marked.client("grid_a").post(
        reverse("cases:visit", args=[household.pk]), visit_data(method="phone")
    )
    # staff_a, with the page loaded before the grid worker's tap, finds a fever at the door.
    response = marked.client("staff_a").post(
        reverse("cases:visit", args=[household.pk]),
        visit_data(person=marked.zhang_wife.pk, temperature="38.4"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "异常：李娜 38.4℃" in response.content.decode()
    assert "未重复保存" not in response.content.decode()
    visit = HouseholdVisit.objects.get()
    finding = visit.findings.get()
    assert visit.abnormal
    assert (visit.method, visit.recorded_by) == ("phone", marked.grid_worker_a)
    assert (finding.person, str(finding.temperature)) == (marked.zhang_wife, "38.4")
    assert finding.recorded_by == marked.staff_a
    alert = Alert.objects.get()
    assert (alert.kind, alert.person) == (Alert.Kind.FEVER, marked.zhang_wife)
    days = visit_progress([marked.key_area])[marked.key_area.pk]
    assert (days[0].visited, days[0].abnormal) == (1, 1)


def test_each_unwell_member_is_recorded_once_with_an_alert_of_their_own(marked):
    household = marked.zhang.household
    client = marked.client("grid_a")
    client.post(
        reverse("cases:visit", args=[household.pk]),
        visit_data(person=marked.zhang_wife.pk, temperature="38.4"),
    )
    again = client.post(
        reverse("cases:visit", args=[household.pk]),
        visit_data(person=marked.zhang_wife.pk, temperature="38.4"),
        HTTP_HX_REQUEST="true",
    )
    assert again.status_code == 200
    assert "该户今天已有随访记录，未重复保存" in again.content.decode()
    other = client.post(
        reverse("cases:visit", args=[household.pk]),
        visit_data(person=marked.zhang.pk, symptoms=["cough"]),
        HTTP_HX_REQUEST="true",
    )
    assert other.status_code == 200
    html = other.content.decode()
    assert "异常：李娜 38.4℃" in html
    assert "异常：张伟 咳嗽" in html
    visit = HouseholdVisit.objects.get()
    assert [f.person for f in visit.findings.all()] == [marked.zhang_wife, marked.zhang]
    assert sorted(Alert.objects.values_list("kind", flat=True)) == ["fever", "symptom"]
    # a 全户正常 tap after that changes nothing
    client.post(reverse("cases:visit", args=[household.pk]), visit_data(method="phone"))
    assert HouseholdVisit.objects.get().abnormal
    days = visit_progress([marked.key_area])[marked.key_area.pk]
    assert (days[0].visited, days[0].abnormal) == (1, 1)


def test_a_retried_finding_is_stored_once(marked):
    household = marked.zhang.household
    client = marked.client("grid_a")
    client.post(reverse("cases:visit", args=[household.pk]), visit_data())
    data = visit_data(person=marked.zhang.pk, temperature="39.0")
    for _ in range(2):
        response = client.post(reverse("cases:visit", args=[household.pk]), data)
        assert response.status_code == 302
    assert HouseholdVisit.objects.get().findings.count() == 1
    assert Alert.objects.count() == 1


def test_symptoms_without_fever_raise_a_symptom_alert(marked):
    marked.client("grid_a").post(
        reverse("cases:visit", args=[marked.wang.household_id]),
        visit_data(method="phone", person=marked.wang.pk, symptoms=["smell"]),
    )
    assert Alert.objects.get().kind == Alert.Kind.SYMPTOM


@pytest.mark.parametrize("typed", ["３８．２", "38。2", "３８，２", "38.2℃"])
def test_a_temperature_typed_in_full_width_is_read(marked, typed):
    response = marked.client("grid_a").post(
        reverse("cases:visit", args=[marked.zhang.household_id]),
        visit_data(person=marked.zhang.pk, temperature=typed),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert str(HouseholdFinding.objects.get().temperature) == "38.2"
    assert Alert.objects.get().kind == Alert.Kind.FEVER


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"temperature": "38.5"}, "请选择体温或症状异常的家庭成员"),
        ({"person": "WANG", "temperature": "38.5"}, "所选人员不是该户的现住人员"),
        ({"person": "ZHANG", "temperature": "36.5"}, "体温正常且无症状"),
        ({"person": "ZHANG", "temperature": "50"}, "体温应在 34.0 到 43.0"),
        ({"person": "ZHANG", "temperature": "abc"}, "体温应为数字"),
        ({"person": "ZHANG", "symptoms": ["bogus"]}, "症状选项不正确"),
        ({"person": "99999999999999999999", "symptoms": ["cough"]}, "所选人员不是该户的现住人员"),
        ({"method": "fax"}, "请选择随访方式"),
        ({"client_id": "x"}, "提交编号无效"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(marked, fields, message):
    names = {"ZHANG": marked.zhang.pk, "WANG": marked.wang.pk}
    if fields.get("person") in names:
        fields = {**fields, "person": names[fields["person"]]}
    response = marked.client("grid_a").post(
        reverse("cases:visit", args=[marked.zhang.household_id]),
        visit_data(**fields),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not HouseholdVisit.objects.exists()
    assert not Alert.objects.exists()


def test_a_moved_out_member_cannot_be_named(marked):
    marked.zhang_wife.moved_out = True
    marked.zhang_wife.save()
    response = marked.client("grid_a").post(
        reverse("cases:visit", args=[marked.zhang.household_id]),
        visit_data(person=marked.zhang_wife.pk, temperature="38.0"),
    )
    assert response.status_code == 400
    assert not HouseholdVisit.objects.exists()


def test_a_household_whose_residents_all_moved_out_is_not_visited(marked):
    marked.zhao.moved_out = True
    marked.zhao.save()
    response = marked.client("grid_a").post(
        reverse("cases:visit", args=[marked.zhao.household_id]),
        visit_data(),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "台账中该户已没有现住人员，无需随访" in response.content.decode()
    assert not HouseholdVisit.objects.exists()


def test_a_flat_emptied_after_its_visit_does_not_hide_a_miss(marked, today):
    marked.key_area.start_date = today - timedelta(days=1)
    marked.key_area.save()
    for person in (marked.zhang, marked.zhao):
        HouseholdVisit.objects.create(
            key_area=marked.key_area,
            household=person.household,
            day=today - timedelta(days=1),
            method="visit",
            client_id=uuid.uuid4(),
        )
    marked.zhao.moved_out = True
    marked.zhao.save()
    yesterday = visit_progress([marked.key_area])[marked.key_area.pk][1]
    assert (yesterday.due, yesterday.visited, yesterday.missed) == (2, 1, 1)
    hq = marked.client("hq")
    listing = hq.get(reverse("cases:key_areas")).content.decode()
    assert '<span class="bad">1 户</span>' in listing
    detail = hq.get(reverse("cases:key_area", args=[marked.key_area.pk])).content.decode()
    assert "西城花园1号楼102" in detail.split("漏访住户")[1]


def test_households_outside_key_areas_or_scope_are_refused(marked, today):
    client = marked.client("grid_a")
    outside_scope = client.post(
        reverse("cases:visit", args=[marked.outside.household_id]), visit_data()
    )
    assert outside_scope.status_code == 404
    make_person(marked.building_a, room="999")
    marked.key_area.end_date = today
    marked.key_area.start_date = today - timedelta(days=3)
    marked.key_area.save()
    lifted = client.post(reverse("cases:visit", args=[marked.zhang.household_id]), visit_data())
    assert lifted.status_code == 400
    assert "该户不在管控中的重点区域" in lifted.content.decode()
    assert not HouseholdVisit.objects.exists()


def test_roles_without_the_duty_cannot_visit(marked):
    for persona in ("guard_a", "auditor", "leader"):
        client = marked.client(persona)
        assert client.get(reverse("cases:visits")).status_code == 403
        response = client.post(
            reverse("cases:visit", args=[marked.zhang.household_id]), visit_data()
        )
        assert response.status_code == 403
    assert not HouseholdVisit.objects.exists()


def test_the_grid_worker_switches_between_their_grid_and_the_community(marked):
    marked.grid_a.compounds.clear()
    client = marked.client("grid_a")
    mine = client.get(reverse("cases:visits")).content.decode()
    assert "今日应随访 0 户" in mine
    assert "您负责的网格内没有需要随访的住户" in mine
    everyone = client.get(reverse("cases:visits"), {"all": "1"}).content.decode()
    assert "今日应随访 3 户" in everyone


def test_hq_sees_every_key_area_and_can_pick_one(marked):
    second = make_key_area(marked.compound_b)
    client = marked.client("hq")
    page = client.get(reverse("cases:visits")).content.decode()
    assert "今日应随访 4 户" in page
    assert "孙丽" in page
    only_b = client.get(reverse("cases:visits"), {"key_area": second.pk}).content.decode()
    assert "今日应随访 1 户" in only_b
    assert "张伟" not in only_b


def test_pending_households_come_first(marked):
    client = marked.client("staff_a")
    client.post(reverse("cases:visit", args=[marked.zhang.household_id]), visit_data())
    html = client.get(reverse("cases:visits")).content.decode()
    assert html.index("王芳") < html.index("赵磊") < html.index("张伟")


def test_visiting_page_one_of_a_large_key_area_moves_no_household_across_pages(marked):
    for n in range(CARDS_PER_PAGE):
        make_person(marked.building_a2, f"住户{n}", room=f"3{n:02d}")
    client = marked.client("grid_a")

    def cards(page):
        html = client.get(reverse("cases:visits"), {"page": page}).content.decode()
        return re.findall(r'id="hh-(\d+)"', html)

    first, second = cards(1), cards(2)
    assert len(first) == CARDS_PER_PAGE
    assert len(second) == 3
    for pk in first:
        client.post(reverse("cases:visit", args=[pk]), visit_data(), HTTP_HX_REQUEST="true")
    assert cards(2) == second
    assert HouseholdVisit.objects.count() == CARDS_PER_PAGE


def test_calling_a_resident_reveals_the_number_to_the_dialler_and_is_audited(marked):
    client = marked.client("grid_a")
    response = client.post(reverse("cases:resident_call", args=[marked.zhang.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"tel:{marked.zhang.phone}"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).count() == 1
    outside = client.post(reverse("cases:resident_call", args=[marked.outside.pk]))
    assert outside.status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).count() == 1


def test_a_get_of_a_call_address_reveals_nothing_and_writes_nothing(marked):
    """A prefetcher, a crawler or the back button must not reveal the number again."""
    response = marked.client("grid_a").get(reverse("cases:resident_call", args=[marked.zhang.pk]))
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def test_the_card_dials_with_a_post_form(marked):
    page = marked.client("grid_a").get(reverse("cases:visits")).content.decode()
    call = reverse("cases:resident_call", args=[marked.zhang.pk])
    assert f'<form method="post" action="{call}" class="w-call"' in page
    assert f'href="{call}"' not in page
    assert f"拨打 {marked.zhang.phone_masked}" in page


def test_progress_counts_visits_per_day_and_the_missed(marked, today):
    marked.key_area.start_date = today - timedelta(days=2)
    marked.key_area.save()
    staff = marked.client("staff_a")
    staff.post(reverse("cases:visit", args=[marked.zhang.household_id]), visit_data())
    staff.post(
        reverse("cases:visit", args=[marked.wang.household_id]),
        visit_data(person=marked.wang.pk, temperature="37.5"),
    )
    HouseholdVisit.objects.create(
        key_area=marked.key_area,
        household=marked.zhao.household,
        day=today - timedelta(days=1),
        method="phone",
        client_id=uuid.uuid4(),
    )
    days = visit_progress([marked.key_area])[marked.key_area.pk]
    assert [(d.day, d.due, d.visited, d.abnormal, d.missed) for d in days] == [
        (today, 3, 2, 1, 1),
        (today - timedelta(days=1), 3, 1, 0, 2),
        (today - timedelta(days=2), 3, 0, 0, 3),
    ]
    detail = marked.client("hq").get(reverse("cases:key_area", args=[marked.key_area.pk]))
    html = detail.content.decode()
    assert "今日已随访 2/3 户" in html
    listing = marked.client("hq").get(reverse("cases:key_areas")).content.decode()
    assert "2/3" in listing


def test_the_key_area_page_names_residents_no_visit_list_can_reach(marked):
    make_person(marked.compound_a, "流调新增")  # an area but no household
    page = marked.client("hq").get(reverse("cases:key_area", args=[marked.key_area.pk]))
    assert "另有 1 人在台账中没有门牌（未归户）" in page.content.decode()
    visits = marked.client("hq").get(reverse("cases:visits")).content.decode()
    assert "流调新增" not in visits
