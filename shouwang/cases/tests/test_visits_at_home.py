"""Household follow-up is for the persons at home: a case in hospital (an open case
with a 收治机构), a dead case, a person in central isolation are left off the cards, and a
household with nobody else at home is not due; a case 治愈 or 排除 is home again."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from shouwang.cases import actions
from shouwang.cases.key_areas import households_to_visit
from shouwang.cases.models import HouseholdFinding, HouseholdVisit
from shouwang.watch.actions import change_status
from shouwang.watch.models import KeyPerson

from .factories import institution, make_case, make_contact, make_key_person, visit_data


def _page(world) -> str:
    return world.client("grid_a").get(reverse("cases:visits")).content.decode()


def test_a_case_in_hospital_is_not_visited_at_home_and_his_home_alone_is_not_due(marked):
    make_case(marked.building_a, person=marked.wang, institution=institution())
    make_case(marked.building_a, person=marked.zhang, institution=institution())
    page = _page(marked)
    assert "今日应随访 2 户，已随访 0 户" in page
    assert "王芳" not in page  # 102: its only resident is in hospital
    assert "西城花园1号楼102" not in page
    assert "李娜" in page  # 101: his wife is at home, the household is due
    assert "张伟" not in page
    assert {h.pk for h in households_to_visit()} == {
        marked.zhang.household_id,
        marked.zhao.household_id,
    }
    client = marked.client("grid_a")
    refused = client.post(
        reverse("cases:visit", args=[marked.wang.household_id]),
        visit_data(),
        HTTP_HX_REQUEST="true",
    )
    assert "该户现住人员均不在家" in refused.content.decode()
    unwell = client.post(
        reverse("cases:visit", args=[marked.zhang.household_id]),
        visit_data(person=marked.zhang.pk, temperature="38.5"),
        HTTP_HX_REQUEST="true",
    )
    assert "所选人员不是该户的现住人员" in unwell.content.decode()
    assert not HouseholdVisit.objects.exists()
    assert not HouseholdFinding.objects.exists()


def test_an_open_case_with_no_treating_facility_is_at_home_and_visited(marked):
    make_case(marked.building_a, "suspected", person=marked.wang)
    page = _page(marked)
    assert "今日应随访 3 户" in page
    assert "王芳" in page


def test_a_dead_case_and_a_person_in_central_isolation_are_not_due(marked, today):
    make_case(
        marked.building_a,
        "died",
        person=marked.wang,
        confirmed_date=today - timedelta(days=3),
    )
    make_key_person(marked.zhao, measure=KeyPerson.Measure.CENTRAL)
    page = _page(marked)
    assert "今日应随访 1 户" in page
    assert "王芳" not in page
    assert "赵磊" not in page


def test_a_person_observed_at_home_is_visited(marked, today):
    make_key_person(marked.zhao, measure=KeyPerson.Measure.HOME)
    assert "赵磊" in _page(marked)


def test_a_case_discharged_as_recovered_is_home_again(marked, today):
    case = make_case(
        marked.building_a,
        person=marked.wang,
        institution=institution(),
        confirmed_date=today - timedelta(days=14),
        report_date=today - timedelta(days=14),
    )
    assert "王芳" not in _page(marked)
    response = marked.client("staff_a").post(
        reverse("cases:edit", args=[case.pk]),
        {
            "classification": "recovered",
            "report_date": case.report_date.isoformat(),
            "confirmed_date": case.confirmed_date.isoformat(),
            "institution": institution().pk,
            "reason": "治愈出院",
        },
    )
    assert response.status_code == 302
    page = _page(marked)
    assert "今日应随访 3 户" in page
    assert "王芳" in page
    visited = marked.client("grid_a").post(
        reverse("cases:visit", args=[marked.wang.household_id]),
        visit_data(),
        HTTP_HX_REQUEST="true",
    )
    assert visited.status_code == 200
    assert HouseholdVisit.objects.filter(household=marked.wang.household).exists()


def test_the_key_area_page_says_who_is_not_at_home(marked):
    make_case(marked.building_a, person=marked.wang, institution=institution())
    page = marked.client("hq").get(reverse("cases:key_area", args=[marked.key_area.pk]))
    away = "其中 1 人不在家（住院、集中隔离、已故或已离开辖区），不列入住户随访"
    assert away in page.content.decode()


def test_a_contact_who_became_a_case_is_at_home_as_the_case_says(marked, today):
    """Becoming 确诊 moves the contact's key-person record to 转医院 (疑似/确诊病例转运),
    bookkeeping so that it owes no more follow-ups: where they are is the case's to say
    — at home while no 收治机构 is set, and home again once 治愈."""
    source = make_case(marked.building_b, onset_date=today - timedelta(days=3))
    contact = make_contact(source, marked.building_a, person=marked.wang)
    actions.observe_contact(contact=contact, measure="home", by=marked.staff_a)
    own = make_case(marked.building_a, "suspected", person=marked.wang)
    staff = marked.client("staff_a")
    changed = staff.post(
        reverse("cases:edit", args=[own.pk]),
        {
            "classification": "confirmed",
            "report_date": own.report_date.isoformat(),
            "confirmed_date": today.isoformat(),
            "reason": "核酸检测阳性",
        },
    )
    assert changed.status_code == 302
    assert KeyPerson.objects.get(person=marked.wang).status == KeyPerson.Status.HOSPITAL
    page = _page(marked)
    assert "今日应随访 3 户" in page  # isolated at home, waiting for a transfer
    assert "王芳" in page
    sent = staff.post(
        reverse("cases:edit", args=[own.pk]),
        {
            "classification": "confirmed",
            "report_date": own.report_date.isoformat(),
            "confirmed_date": today.isoformat(),
            "institution": institution().pk,
            "reason": "转运至定点医院",
        },
    )
    assert sent.status_code == 302
    assert "王芳" not in _page(marked)
    cured = staff.post(
        reverse("cases:edit", args=[own.pk]),
        {
            "classification": "recovered",
            "report_date": own.report_date.isoformat(),
            "confirmed_date": today.isoformat(),
            "institution": institution().pk,
            "reason": "治愈出院",
        },
    )
    assert cured.status_code == 302
    page = _page(marked)
    assert "今日应随访 3 户" in page
    assert "王芳" in page


def test_a_person_sent_to_hospital_without_a_case_stays_off_the_cards(marked, today):
    key_person = make_key_person(marked.wang, measure=KeyPerson.Measure.HOME)
    change_status(
        key_person=key_person,
        status=KeyPerson.Status.HOSPITAL,
        reason=KeyPerson.Reason.FEVER_HOSPITAL,
        by=marked.staff_a,
    )
    assert "王芳" not in _page(marked)
