"""Entering cases and changing them, through the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.cases import actions
from shouwang.cases.models import Case, CaseEvent
from shouwang.people.models import Change, Person
from shouwang.watch.actions import register_key_person
from shouwang.watch.models import Category, KeyPerson, KeyPersonEvent

from .factories import id_number, institution, make_case, make_contact, make_person


def case_data(today, **overrides):
    data = {
        "classification": "suspected",
        "onset_date": (today - timedelta(days=3)).isoformat(),
        "report_date": today.isoformat(),
        "confirmed_date": "",
        "institution": institution("市第六人民医院").pk,
        "notes": "",
    }
    return {**data, **overrides}


def test_it_enters_a_case_for_a_ledger_person(world, today):
    person = make_person(world.building_a, "张建国")
    client = world.client("staff_a")
    found = client.post(reverse("cases:new"), {"q": "张建国"})
    assert reverse("cases:create", args=[person.pk]) in found.content.decode()
    response = client.post(reverse("cases:create", args=[person.pk]), case_data(today))
    case = Case.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.classification == "suspected"
    assert case.area == world.building_a
    assert case.reported_by == world.staff_a
    assert case.events.get().reason == "登记"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="cases.Case", object_id=str(case.pk)
    ).exists()


def test_it_finds_a_person_by_full_id_number_and_shows_it_masked(world):
    person = make_person(world.building_a, "李秀英")
    response = world.client("staff_a").post(reverse("cases:new"), {"q": person.document_number})
    body = response.content.decode()
    assert "李秀英" in body
    assert body.count(person.document_number) == 1  # only in the search box the user typed in
    assert person.document_masked in body


def test_it_enters_a_case_for_a_new_person(world, today):
    number = id_number(777)
    data = case_data(today, classification="confirmed", confirmed_date=today.isoformat())
    data.update(
        {
            "person-name": "王志强",
            "person-doc_type": "id_card",
            "person-doc_number": number,
            "person-phone": "13912345678",
            "person-area": world.building_a.pk,
        }
    )
    response = world.client("staff_a").post(reverse("cases:create_new"), data)
    assert response.status_code == 302
    person = Person.objects.with_document(number).get()
    assert person.name == "王志强"
    assert person.area == world.building_a
    assert Case.objects.get(person=person).classification == "confirmed"
    # Added through the people app: a ledger history entry and an audit row.
    assert Change.objects.filter(person=person, action=Change.Action.CREATE).count() == 1
    assert AuditEvent.objects.filter(
        object_type="people.Person", object_id=str(person.pk), detail="流调新增人员"
    ).exists()


def test_a_new_person_with_a_known_document_is_refused_and_nothing_is_written(world, today):
    existing = make_person(world.building_a)
    data = case_data(today)
    data.update(
        {
            "person-name": "重复",
            "person-doc_type": "id_card",
            "person-doc_number": existing.document_number,
            "person-area": world.building_a.pk,
        }
    )
    response = world.client("staff_a").post(reverse("cases:create_new"), data)
    assert response.status_code == 400
    assert "已在人员台账中" in response.content.decode()
    assert Person.objects.count() == 1
    assert not Case.objects.exists()


def test_a_new_persons_bad_phone_is_a_clear_message_and_nothing_is_written(world, today):
    data = case_data(today)
    data.update(
        {
            "person-name": "王志强",
            "person-doc_type": "id_card",
            "person-doc_number": id_number(779),
            "person-phone": "12345",
            "person-area": world.building_a.pk,
        }
    )
    response = world.client("staff_a").post(reverse("cases:create_new"), data)
    assert response.status_code == 400
    assert "手机号" in response.content.decode()
    assert not Person.objects.exists()
    assert not Case.objects.exists()


def test_a_new_person_cannot_be_placed_outside_the_users_area(world, today):
    data = case_data(today)
    data.update(
        {
            "person-name": "外人",
            "person-doc_type": "id_card",
            "person-doc_number": id_number(778),
            "person-area": world.building_b.pk,
        }
    )
    response = world.client("staff_a").post(reverse("cases:create_new"), data)
    assert response.status_code == 400
    assert not Person.objects.exists()


def test_a_person_has_one_case_record(world, today):
    case = make_case(world.building_a)
    response = world.client("staff_a").post(
        reverse("cases:create", args=[case.person.pk]), case_data(today)
    )
    assert response.status_code == 400
    assert "已有病例记录" in response.content.decode()
    assert Case.objects.count() == 1


def test_a_confirmed_case_needs_its_confirmation_date(world, today):
    person = make_person(world.building_a)
    response = world.client("staff_a").post(
        reverse("cases:create", args=[person.pk]), case_data(today, classification="confirmed")
    )
    assert response.status_code == 400
    assert "确诊日期" in response.content.decode()
    assert not Case.objects.exists()


def test_dates_in_the_future_or_out_of_order_are_refused(world, today):
    person = make_person(world.building_a)
    url = reverse("cases:create", args=[person.pk])
    client = world.client("staff_a")
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert client.post(url, case_data(today, report_date=tomorrow)).status_code == 400
    late_onset = case_data(
        today, onset_date=today.isoformat(), report_date=(today - timedelta(days=1))
    )
    assert client.post(url, late_onset).status_code == 400
    assert not Case.objects.exists()


def test_dates_more_than_a_year_back_are_refused_so_the_case_stays_traceable(world, today):
    person = make_person(world.building_a)
    client = world.client("hq")
    ancient = case_data(
        today, classification="suspected", onset_date="0001-01-01", report_date="0001-01-02"
    )
    response = client.post(reverse("cases:create", args=[person.pk]), ancient)
    assert response.status_code == 400
    assert "发病日期早于一年前，请核对" in response.content.decode()
    assert not Case.objects.exists()
    # A case entered more than a year ago may still change: only new dates are checked.
    case = make_case(world.building_a, "suspected", report_date=today - timedelta(days=400))
    edit = reverse("cases:edit", args=[case.pk])
    old = case_data(
        today,
        classification="excluded",
        onset_date="",
        report_date=case.report_date.isoformat(),
        reason="核酸阴性",
    )
    assert client.post(edit, old).status_code == 302
    wrong = case_data(
        today, classification="excluded", onset_date="", report_date="0001-01-01", reason="改错日期"
    )
    response = client.post(edit, wrong)
    assert response.status_code == 400
    assert "报告日期早于一年前，请核对" in response.content.decode()
    case.refresh_from_db()
    assert client.get(reverse("cases:trace_new", args=[case.pk])).status_code == 200


def test_a_classification_change_is_kept_in_the_history_with_its_reason(world, today):
    case = make_case(world.building_a, "suspected", onset_date=today - timedelta(days=2))
    data = case_data(
        today,
        classification="confirmed",
        onset_date=case.onset_date.isoformat(),
        confirmed_date=today.isoformat(),
        institution=institution("市传染病医院").pk,
        reason="核酸检测阳性",
    )
    response = world.client("staff_a").post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.classification == "confirmed"
    assert case.institution.name == "市传染病医院"
    event = case.events.first()
    assert (event.from_classification, event.to_classification) == ("suspected", "confirmed")
    assert event.reason == "核酸检测阳性"
    assert event.changes["收治机构"] == ["—", "市传染病医院"]
    assert event.by == world.staff_a
    audit = AuditEvent.objects.get(action=AuditEvent.Action.STATUS, object_id=str(case.pk))
    assert "疑似 → 确诊" in audit.detail
    assert "核酸检测阳性" in audit.detail
    page = world.client("staff_a").get(reverse("cases:detail", args=[case.pk]))
    assert "核酸检测阳性" in page.content.decode()


def test_a_change_without_a_reason_is_refused(world, today):
    case = make_case(world.building_a, "suspected")
    data = case_data(today, classification="excluded", reason="")
    response = world.client("staff_a").post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.classification == "suspected"
    assert not CaseEvent.objects.filter(case=case).exists()


def test_an_impossible_change_is_refused(world, today):
    case = make_case(world.building_a, "died")
    data = case_data(
        today, classification="recovered", confirmed_date=today.isoformat(), reason="录入错误"
    )
    response = world.client("staff_a").post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.classification == "died"


def test_nothing_changed_is_not_a_change(world, today):
    case = make_case(world.building_a, "suspected", onset_date=today - timedelta(days=2))
    data = case_data(today, onset_date=case.onset_date.isoformat(), institution="", reason="无变化")
    response = world.client("staff_a").post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 400
    assert "没有修改" in response.content.decode()


def test_the_leader_reads_cases_but_cannot_enter_or_change_them(world, today):
    case = make_case(world.building_a)
    client = world.client("leader")
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:new")).status_code == 403
    assert client.post(reverse("cases:edit", args=[case.pk]), case_data(today)).status_code == 403


def test_grid_workers_and_checkpoint_staff_do_not_see_cases(world):
    make_case(world.building_a)
    for persona in ("grid_a", "guard_a", "auditor"):
        assert world.client(persona).get(reverse("cases:list")).status_code == 403


def test_community_staff_see_only_their_communitys_cases(world):
    mine = make_case(world.building_a)
    theirs = make_case(world.building_b)
    body = world.client("staff_a").get(reverse("cases:list")).content.decode()
    assert mine.person.name in body
    assert theirs.person.name not in body
    assert world.client("staff_a").get(reverse("cases:detail", args=[theirs.pk])).status_code == 404


def test_the_case_list_filters_and_keeps_its_query_count(world, django_assert_max_num_queries):
    for i in range(12):
        make_case(world.building_a if i % 2 else world.building_b, "suspected")
    make_case(world.building_a, "confirmed")
    client = world.client("hq")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    filtered = client.get(
        reverse("cases:list"), {"classification": "confirmed"}, HTTP_HX_REQUEST="true"
    )
    body = filtered.content.decode()
    assert "<html" not in body  # the rows fragment only
    assert body.count('class="cls cls-') == 1


def test_clearing_a_confirmed_cases_date_is_refused_not_replaced_by_today(world, today):
    confirmed_on = today - timedelta(days=3)
    case = make_case(world.building_a, "confirmed", confirmed_date=confirmed_on)
    data = case_data(
        today, classification="confirmed", onset_date="", confirmed_date="", reason="改日期"
    )
    response = world.client("staff_a").post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 400
    assert "确诊病例请填写确诊日期" in response.content.decode()
    case.refresh_from_db()
    assert case.confirmed_date == confirmed_on
    assert not CaseEvent.objects.filter(case=case).exists()


def test_a_mistyped_case_filter_lists_no_case_and_says_why(world):
    case = make_case(world.building_a, "confirmed")
    client = world.client("hq")
    for params, message in (
        ({"q": "锦" * 31}, "搜索：查找内容不超过 30 个字"),
        ({"q": "锦\x00"}, "搜索：查找内容含有空字符"),
        ({"classification": "bogus"}, "分类：所选的“bogus”不在可选范围内，请重新选择"),
    ):
        response = client.get(reverse("cases:list"), params, HTTP_HX_REQUEST="true")
        assert response.status_code == 400
        body = response.content.decode()
        assert f"筛选条件有误，未显示记录：{message}" in body
        assert case.person.name not in body
    page = client.get(reverse("cases:list"), {"q": "锦" * 31})
    assert "data-swap-400" in page.content.decode()


def test_a_confirmed_case_recovering_keeps_its_confirmation_date(world, today):
    confirmed_on = today - timedelta(days=3)
    case = make_case(world.building_a, "confirmed", confirmed_date=confirmed_on)
    url = reverse("cases:edit", args=[case.pk])
    client = world.client("staff_a")
    data = case_data(
        today, classification="recovered", onset_date="", confirmed_date="", reason="出院"
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "该病例已确诊，确诊日期不能清除" in response.content.decode()
    case.refresh_from_db()
    assert (case.classification, case.confirmed_date) == ("confirmed", confirmed_on)
    data["confirmed_date"] = confirmed_on.isoformat()
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert (case.classification, case.confirmed_date) == ("recovered", confirmed_on)
    data.update(confirmed_date="", reason="再改")
    assert client.post(url, data).status_code == 400
    case.refresh_from_db()
    assert case.confirmed_date == confirmed_on


def test_a_suspected_cases_mistyped_confirmation_date_can_be_cleared(world, today):
    case = make_case(world.building_a, "suspected", confirmed_date=today)
    data = case_data(today, confirmed_date="", reason="误填确诊日期")
    response = world.client("staff_a").post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.confirmed_date is None


@pytest.mark.parametrize(
    ("q", "message"), [("李\x00", "查找内容含有空字符"), ("李" * 31, "查找内容不超过 30 个字")]
)
def test_a_bad_search_for_the_person_is_a_400_with_its_message(world, q, message):
    person = make_person(world.building_a, "李秀英")
    case = make_case(world.building_a)
    client = world.client("staff_a")
    for url in (reverse("cases:new"), reverse("cases:contact_add", args=[case.pk])):
        response = client.post(url, {"q": q})
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body
        assert person.name not in body
        assert "台账中没有找到" not in body


def test_a_suspected_case_takes_no_confirmation_date(world, today):
    """A 疑似 case is not confirmed: a date typed in 确诊日期 would read as confirmed
    on the case page and be kept, not replaced, when it is confirmed later."""
    person = make_person(world.building_a)
    client = world.client("staff_a")
    said = "疑似病例尚未确诊，请清空确诊日期；确诊时请将分类改为确诊并填写确诊日期"
    yesterday = (today - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("cases:create", args=[person.pk]), case_data(today, confirmed_date=yesterday)
    )
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not Case.objects.exists()
    case = make_case(world.building_a, "suspected")
    url = reverse("cases:edit", args=[case.pk])
    response = client.post(url, case_data(today, confirmed_date=yesterday, reason="补填"))
    assert response.status_code == 400
    assert said in response.content.decode()
    case.refresh_from_db()
    assert case.confirmed_date is None
    assert not case.events.exists()


def test_a_change_sent_from_a_stale_page_says_why_in_chinese(world, today):
    """Another worker confirmed the case meanwhile: 排除, offered by the page opened
    while it was 疑似, is no longer possible from 确诊."""
    case = make_case(world.building_a, "confirmed", confirmed_date=today)
    data = case_data(
        today, classification="excluded", confirmed_date=today.isoformat(), reason="阴性"
    )
    response = world.client("staff_a").post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "该病例现为“确诊”，不能改为所选分类（可能已被他人修改），请核对后重新选择" in body
    assert "“excluded”" not in body
    case.refresh_from_db()
    assert case.classification == "confirmed"


def test_a_suspected_case_who_dies_before_confirmation_is_marked_died(world, today):
    case = make_case(world.building_a, "suspected", onset_date=today - timedelta(days=2))
    client = world.client("staff_a")
    form = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert 'value="died"' in form
    data = case_data(
        today, classification="died", onset_date=case.onset_date.isoformat(), reason="确诊前死亡"
    )
    response = client.post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.classification, case.confirmed_date) == ("died", None)
    event = case.events.first()
    assert (event.from_classification, event.to_classification) == ("suspected", "died")
    audit = AuditEvent.objects.get(action=AuditEvent.Action.STATUS, object_id=str(case.pk))
    assert "疑似 → 死亡" in audit.detail


@pytest.mark.parametrize("classification", ["confirmed", "asymptomatic"])
def test_a_contact_under_observation_who_becomes_infected_owes_no_more_follow_ups(
    world, classification, today
):
    source = make_case(world.building_a, onset_date=today - timedelta(days=3))
    contact = make_contact(source, world.building_a, last_contact_date=today - timedelta(days=2))
    key_person = actions.observe_contact(contact=contact, measure="home", by=world.staff_a)
    case = make_case(world.building_a, "suspected", person=contact.person)
    data = case_data(
        today,
        classification=classification,
        onset_date="",
        confirmed_date=today.isoformat(),
        reason="核酸检测阳性",
    )
    response = world.client("staff_a").post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 302
    key_person.refresh_from_db()
    assert key_person.status == KeyPerson.Status.HOSPITAL
    event = key_person.events.get(kind=KeyPersonEvent.Kind.STATUS)
    assert event.reason == KeyPerson.Reason.CASE_TRANSFER
    assert event.note == f"本人已{Case.Classification(classification).label}，按病例管理"


def test_an_asymptomatic_carrier_who_dies_of_another_cause_is_marked_died(world, today):
    positive = today - timedelta(days=3)
    case = make_case(world.building_a, "asymptomatic", confirmed_date=positive)
    client = world.client("staff_a")
    form = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert 'value="died"' in form
    data = case_data(
        today,
        classification="died",
        onset_date="",
        confirmed_date=positive.isoformat(),
        reason="因其他疾病死亡",
    )
    response = client.post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.classification, case.confirmed_date) == ("died", positive)
    event = case.events.first()
    assert (event.from_classification, event.to_classification) == ("asymptomatic", "died")
    assert event.reason == "因其他疾病死亡"
    audit = AuditEvent.objects.get(action=AuditEvent.Action.STATUS, object_id=str(case.pk))
    assert "无症状感染者 → 死亡" in audit.detail


def test_a_person_observed_for_another_reason_who_becomes_confirmed_owes_no_more_follow_ups(
    world,
    today,
):
    """A returnee under home observation is confirmed: cared for as a case, their
    record stops owing twice-daily follow-ups like a contact's."""
    person = make_person(world.building_a)
    key_person = register_key_person(
        person=person,
        category=Category.objects.get_or_create(name="返乡人员")[0],
        source=KeyPerson.Source.SCREENING,
        measure=KeyPerson.Measure.HOME,
        start_date=today - timedelta(days=2),
        by=world.staff_a,
    )
    response = world.client("staff_a").post(
        reverse("cases:create", args=[person.pk]),
        case_data(today, classification="confirmed", confirmed_date=today.isoformat()),
    )
    assert response.status_code == 302
    key_person.refresh_from_db()
    assert key_person.status == KeyPerson.Status.HOSPITAL
    event = key_person.events.get(kind=KeyPersonEvent.Kind.STATUS)
    assert event.reason == KeyPerson.Reason.CASE_TRANSFER
