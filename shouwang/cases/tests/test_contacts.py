"""Close contacts by hand, secondary contacts, and contact → key person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.cases import actions
from shouwang.cases.models import Case, Contact
from shouwang.core.text import day_label
from shouwang.people.models import Person
from shouwang.watch.actions import change_status
from shouwang.watch.models import Category, KeyPerson, KeyPersonEvent

from .factories import (
    contact_confirmed_as_case,
    ended_record,
    id_number,
    make_case,
    make_contact,
    make_key_person,
    make_person,
)


def contact_data(today, **overrides):
    data = {"kind": "household", "last_contact_date": (today - timedelta(days=2)).isoformat()}
    return {**data, **overrides}


def new_person_contact_data(world, serial: int, today, **overrides):
    """The form of a contact not yet in the ledger (同车乘客 in community A)."""
    return {
        **contact_data(today, **overrides),
        "person-name": "同车乘客",
        "person-doc_type": "id_card",
        "person-doc_number": id_number(serial),
        "person-area": world.community_a.pk,
    }


def test_it_records_a_close_contact_from_the_ledger(world, today):
    case = make_case(world.building_a)
    person = make_person(world.building_a2, "李秀英")
    client = world.client("staff_a")
    found = client.post(reverse("cases:contact_add", args=[case.pk]), {"q": "李秀英"})
    url = reverse("cases:contact_create", args=[case.pk, person.pk])
    assert url in found.content.decode()
    response = client.post(url, contact_data(today, kind="coworker"))
    assert response.status_code == 302
    contact = Contact.objects.get(case=case)
    assert (contact.person, contact.kind, contact.degree) == (person, "coworker", 1)
    assert contact.last_contact_date == today - timedelta(days=2)
    assert contact.area == world.building_a2
    assert contact.source == Contact.Source.MANUAL
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="cases.Contact", object_id=str(contact.pk)
    ).exists()


def test_it_records_a_contact_not_yet_in_the_ledger(world, today):
    case = make_case(world.building_a)
    data = new_person_contact_data(world, 901, today, kind="transport")
    response = world.client("staff_a").post(
        reverse("cases:contact_create_new", args=[case.pk]), data
    )
    assert response.status_code == 302
    contact = Contact.objects.get(case=case)
    assert contact.person.name == "同车乘客"
    assert contact.area == world.community_a


def test_an_excluded_case_takes_no_new_contact_nor_its_new_person(world, today):
    case = make_case(world.building_a, Case.Classification.EXCLUDED)
    persons = Person.objects.count()
    data = new_person_contact_data(world, 902, today)
    response = world.client("staff_a").post(
        reverse("cases:contact_create_new", args=[case.pk]), data
    )
    assert response.status_code == 400
    assert "该病例已排除，不再登记密接" in response.content.decode()
    assert not Contact.objects.exists()
    assert Person.objects.count() == persons


def test_an_excluded_case_offers_no_contact_entry_and_refuses_it_up_front(world):
    case = make_case(world.building_a, Case.Classification.EXCLUDED)
    close = make_contact(case, world.building_a)
    person = make_person(world.building_a, "李秀英")
    client = world.client("staff_a")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:contact_add", args=[case.pk]) not in page
    for url in (
        reverse("cases:contact_add", args=[case.pk]),
        reverse("cases:contact_add", args=[case.pk]) + f"?via={close.pk}",
        reverse("cases:contact_create", args=[case.pk, person.pk]),
        reverse("cases:contact_create_new", args=[case.pk]),
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain == [(reverse("cases:detail", args=[case.pk]), 302)]
        assert "该病例已排除，不再登记密接" in response.content.decode()
    searched = client.post(reverse("cases:contact_add", args=[case.pk]), {"q": "李秀英"})
    assert searched.status_code == 302
    assert Contact.objects.count() == 1


def test_a_secondary_contact_is_recorded_through_a_close_contact(world, today):
    case = make_case(world.building_a)
    close = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=2))
    other = make_person(world.building_a2)
    url = reverse("cases:contact_create", args=[case.pk, other.pk]) + f"?via={close.pk}"
    response = world.client("staff_a").post(url, contact_data(today, kind="visit"))
    assert response.status_code == 302
    secondary = Contact.objects.get(person=other)
    assert (secondary.degree, secondary.via) == (2, close)


def test_a_secondary_contact_met_before_the_close_contacts_exposure_is_refused(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=6))
    close = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=3))
    other = make_person(world.building_a2, "李秀英")
    url = reverse("cases:contact_create", args=[case.pk, other.pk]) + f"?via={close.pk}"
    client = world.client("staff_a")
    response = client.post(url, contact_data(today, last_contact_date=today - timedelta(days=4)))
    assert response.status_code == 400
    said = (
        f"李秀英的末次接触日期 {today - timedelta(days=4)} 早于密接{close.person.name}"
        f"与病例的末次接触日期 {today - timedelta(days=3)}"
    )
    assert said in response.content.decode()
    assert not Contact.objects.filter(person=other).exists()
    response = client.post(url, contact_data(today, last_contact_date=today - timedelta(days=3)))
    assert response.status_code == 302
    assert Contact.objects.get(person=other).via == close


def test_a_secondary_contact_cannot_hang_from_another_cases_contact(world, today):
    case = make_case(world.building_a)
    foreign = make_contact(make_case(world.building_a2), world.building_a)
    url = reverse("cases:contact_create", args=[case.pk, make_person(world.building_a).pk])
    response = world.client("staff_a").post(url + f"?via={foreign.pk}", contact_data(today))
    assert response.status_code == 404
    assert not Contact.objects.filter(case=case).exists()


def test_the_case_cannot_be_its_own_contact(world, today):
    case = make_case(world.building_a)
    url = reverse("cases:contact_create", args=[case.pk, case.person.pk])
    response = world.client("staff_a").post(url, contact_data(today))
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_a_last_contact_more_than_a_year_back_is_refused(world, today):
    case = make_case(world.building_a)
    person = make_person(world.building_a)
    url = reverse("cases:contact_create", args=[case.pk, person.pk])
    response = world.client("staff_a").post(
        url, contact_data(today, last_contact_date="0001-01-01")
    )
    assert response.status_code == 400
    assert "末次接触日期早于一年前，请核对" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_last_contact_before_the_cases_infectious_period_is_refused(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=4))
    person = make_person(world.building_a, "李秀英")
    url = reverse("cases:contact_create", args=[case.pk, person.pk])
    client = world.client("staff_a")
    response = client.post(url, contact_data(today, last_contact_date=today - timedelta(days=7)))
    assert response.status_code == 400
    first_day = today - timedelta(days=6)
    assert f"早于病例可传染期起点 {first_day}" in response.content.decode()
    assert not Contact.objects.exists()
    assert client.post(url, contact_data(today, last_contact_date=first_day)).status_code == 302


def test_with_no_onset_the_infectious_period_counts_from_an_earlier_confirmation(world, today):
    case = make_case(world.building_a, report_date=today, confirmed_date=today - timedelta(days=5))
    person = make_person(world.building_a, "李秀英")
    url = reverse("cases:contact_create", args=[case.pk, person.pk])
    client = world.client("staff_a")
    response = client.post(url, contact_data(today, last_contact_date=today - timedelta(days=8)))
    assert response.status_code == 400
    assert f"早于病例可传染期起点 {today - timedelta(days=7)}" in response.content.decode()
    last = today - timedelta(days=7)
    assert client.post(url, contact_data(today, last_contact_date=last)).status_code == 302
    assert Contact.objects.get(case=case).last_contact_date == last


@pytest.fixture
def entered_as_secondary(world, today):
    """A person entered by community A's staff as 次密接 of a case (via its close
    contact, last met five days ago): the case, the person, their contact-entry URL
    and the staff's client."""
    case = make_case(world.building_a, onset_date=today - timedelta(days=7))
    close = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=6))
    person = make_person(world.building_a)
    url = reverse("cases:contact_create", args=[case.pk, person.pk])
    client = world.client("staff_a")
    client.post(
        url + f"?via={close.pk}", contact_data(today, last_contact_date=today - timedelta(days=5))
    )
    return case, person, url, client


def test_recording_a_person_twice_keeps_one_contact_with_the_later_date(
    entered_as_secondary, today
):
    case, person, url, client = entered_as_secondary
    client.post(url, contact_data(today, last_contact_date=today - timedelta(days=1)))
    client.post(url, contact_data(today, last_contact_date=today - timedelta(days=3)))
    contact = Contact.objects.get(case=case, person=person)
    assert contact.degree == 1  # met the case itself: closer than via a contact
    assert contact.via is None
    assert contact.last_contact_date == today - timedelta(days=1)


def test_a_secondary_contact_found_to_be_close_is_observed_as_a_close_contact(
    world, entered_as_secondary, today
):
    """Observed as 次密接, then found to have met the case itself: the record moves to
    密切接触者 (counted there, its history and audit say so) and covers the new date."""
    case, person, url, client = entered_as_secondary
    secondary = Contact.objects.get(case=case, person=person)
    kp = actions.observe_contact(contact=secondary, measure="home", by=world.staff_a)
    assert kp.category.name == "次密接"
    response = client.post(url, contact_data(today, last_contact_date=today - timedelta(days=1)))
    assert response.status_code == 302
    kp.refresh_from_db()
    assert kp.category.name == "密切接触者"
    assert kp.planned_end == today + timedelta(days=13)
    assert kp.events.filter(kind=KeyPersonEvent.Kind.EDITED, by=world.staff_a).exists()
    assert AuditEvent.objects.filter(
        object_type="watch.KeyPerson", object_id=str(kp.pk), detail__contains="次密接 → 密切接触者"
    ).exists()


def test_a_contact_becomes_a_key_person_observed_from_the_last_contact(world, today):
    case = make_case(world.building_a)
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=3))
    response = world.client("staff_a").post(
        reverse("cases:contact_observe", args=[contact.pk]), {"measure": "central"}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    kp = contact.key_person
    assert kp.person == contact.person
    assert kp.category.name == "密切接触者"
    assert kp.category.default_days == 14
    assert kp.start_date == today - timedelta(days=3)
    assert kp.planned_end == today + timedelta(days=11)
    assert kp.source == KeyPerson.Source.ASSIGNED
    assert kp.measure == KeyPerson.Measure.CENTRAL
    assert kp.status == KeyPerson.Status.ACTIVE
    assert kp.area == world.building_a
    assert kp.grid == world.grid_a
    audit = AuditEvent.objects.get(object_type="watch.KeyPerson", object_id=str(kp.pk))
    assert audit.action == AuditEvent.Action.CREATE
    assert audit.username == "staff_a"


def test_the_observation_page_announces_the_end_the_record_gets(world):
    Category.objects.update_or_create(name="密切接触者", defaults={"default_days": 21})
    contact = make_contact(make_case(world.building_a), world.building_a)
    url = reverse("cases:contact_observe", args=[contact.pk])
    client = world.client("staff_a")
    page = client.get(url).content.decode()
    client.post(url, {"measure": "home"})
    kp = KeyPerson.objects.get(person=contact.person)
    assert kp.planned_end == contact.last_contact_date + timedelta(days=21)
    assert f"预计至 {kp.planned_end:%Y年%-m月%-d日}" in page


def test_a_contact_under_observation_has_a_grid_worker_and_a_history(world):
    contact = make_contact(make_case(world.building_a), world.building_a)
    world.client("staff_a").post(
        reverse("cases:contact_observe", args=[contact.pk]), {"measure": "home"}
    )
    kp = KeyPerson.objects.get(person=contact.person)
    assert kp.responsible == world.grid_worker_a
    event = kp.events.get()
    assert (event.kind, event.to_status, event.by) == (
        KeyPersonEvent.Kind.CREATED,
        KeyPerson.Status.ACTIVE,
        world.staff_a,
    )
    page = world.client("staff_a").get(reverse("watch:detail", args=[kp.pk])).content.decode()
    assert f"管控中，计划 {day_label(kp.planned_end)} 解除" in page


def test_a_secondary_contact_becomes_a_secondary_contact_key_person(world):
    case = make_case(world.building_a)
    close = make_contact(case, world.building_a)
    secondary = make_contact(case, world.building_a2, via=close, degree=2)
    kp = actions.observe_contact(contact=secondary, measure="home", by=world.staff_a)
    assert kp.category.name == "次密接"
    assert kp.measure == "home"


def test_a_secondary_contact_takes_the_seeded_category_hq_keeps(world, today):
    """The category list HQ edits (seeded by watch's migration) names it 次密接: a
    secondary contact is observed under it, for its days, and adds no second entry."""
    seeded = Category.objects.get(name="次密接")
    seeded.default_days = 7
    seeded.save()
    categories = Category.objects.count()
    case = make_case(world.building_a)
    close = make_contact(case, world.building_a)
    secondary = make_contact(
        case, world.building_a2, via=close, degree=2, last_contact_date=today - timedelta(days=1)
    )
    url = reverse("cases:contact_observe", args=[secondary.pk])
    client = world.client("staff_a")
    assert f"预计至 {today + timedelta(days=6):%Y年%-m月%-d日}" in client.get(url).content.decode()
    assert client.post(url, {"measure": "home"}).status_code == 302
    kp = KeyPerson.objects.get(person=secondary.person)
    assert kp.category == seeded
    assert kp.planned_end == today + timedelta(days=6)
    assert Category.objects.count() == categories
    stats = client.get(reverse("watch:stats")).content.decode()
    assert "次密切接触者" not in stats


def test_observing_twice_creates_one_key_person(world):
    contact = make_contact(make_case(world.building_a), world.building_a)
    url = reverse("cases:contact_observe", args=[contact.pk])
    client = world.client("staff_a")
    client.post(url, {"measure": "central"})
    client.post(url, {"measure": "home"})
    assert KeyPerson.objects.count() == 1


def test_a_person_already_under_observation_is_linked_not_duplicated(world, today):
    contact = make_contact(make_case(world.building_a), world.building_a)
    existing = make_key_person(
        contact.person,
        category="湖北返回",
        source=KeyPerson.Source.POLICE,
        start_date=today - timedelta(days=4),
        planned_end=today + timedelta(days=10),
    )
    kp = actions.observe_contact(contact=contact, measure="central", by=world.staff_a)
    assert kp == existing
    assert KeyPerson.objects.count() == 1
    contact.refresh_from_db()
    assert contact.key_person == existing


def test_an_observation_ending_before_the_contacts_is_extended(world, today):
    contact = make_contact(
        make_case(world.building_a), world.building_a, last_contact_date=today - timedelta(days=1)
    )
    existing = make_key_person(
        contact.person,
        category="湖北返回",
        source=KeyPerson.Source.POLICE,
        start_date=today - timedelta(days=12),
        planned_end=today + timedelta(days=2),
    )
    response = world.client("staff_a").post(
        reverse("cases:contact_observe", args=[contact.pk]), {"measure": "home"}
    )
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.planned_end == today + timedelta(days=13)  # 14 days after the contact
    event = existing.events.get(kind=KeyPersonEvent.Kind.EXTENDED)
    assert (event.old_end, event.new_end) == (today + timedelta(days=2), existing.planned_end)
    contact.refresh_from_db()
    assert contact.key_person == existing
    assert KeyPerson.objects.count() == 1


def test_a_later_contact_found_again_extends_the_observation(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=6))
    person = make_person(world.building_a)
    url = reverse("cases:contact_create", args=[case.pk, person.pk])
    client = world.client("staff_a")
    client.post(url, contact_data(today, last_contact_date=today - timedelta(days=6)))
    contact = Contact.objects.get()
    client.post(reverse("cases:contact_observe", args=[contact.pk]), {"measure": "home"})
    kp = KeyPerson.objects.get()
    assert kp.planned_end == today + timedelta(days=8)
    client.post(url, contact_data(today, last_contact_date=today - timedelta(days=1)))
    kp.refresh_from_db()
    assert kp.planned_end == today + timedelta(days=13)
    assert kp.events.filter(kind=KeyPersonEvent.Kind.EXTENDED).count() == 1


def test_the_chain_says_when_a_contacts_observation_has_ended(world):
    case = make_case(world.building_a)
    contact = make_contact(case, world.building_a)
    kp = actions.observe_contact(contact=contact, measure="home", by=world.staff_a)
    KeyPerson.objects.filter(pk=kp.pk).update(status=KeyPerson.Status.RELEASED)
    page = world.client("staff_a").get(reverse("cases:detail", args=[case.pk]))
    chain = page.content.decode().split('<ul class="chain">')[1].split("</ul>\n")[0]
    assert "已解除" in chain
    assert "管控中" not in chain


def test_observation_needs_a_measure(world):
    contact = make_contact(make_case(world.building_a), world.building_a)
    response = world.client("staff_a").post(reverse("cases:contact_observe", args=[contact.pk]))
    assert response.status_code == 400
    assert not KeyPerson.objects.exists()


def test_community_b_follows_up_its_residents_who_met_a_case_of_a(world):
    case = make_case(world.building_a)
    contact = make_contact(case, world.building_b)
    client = world.client("staff_b")
    page = client.get(reverse("cases:contacts"))
    body = page.content.decode()
    assert contact.person.name in body
    assert reverse("cases:detail", args=[case.pk]) not in body  # the case is A's
    url = reverse("cases:contact_observe", args=[contact.pk])
    assert reverse("cases:detail", args=[case.pk]) not in client.get(url).content.decode()
    response = client.post(url, {"measure": "home"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # not A's case page: 404
    assert (
        world.client("staff_a")
        .get(reverse("cases:contacts"))
        .content.decode()
        .count(contact.person.name)
        == 0
    )


def test_the_contact_list_keeps_its_query_count(world, django_assert_max_num_queries):
    case = make_case(world.building_a)
    for _ in range(15):
        make_contact(case, world.building_a)
    for classification in ("confirmed", "asymptomatic", "died"):  # 本人已是病例 / 已死亡
        make_case(
            world.building_a, classification, person=make_contact(case, world.building_a).person
        )
    client = world.client("hq")
    bodies = []
    for query in ({}, {"pending": "1"}):
        with django_assert_max_num_queries(10):
            response = client.get(reverse("cases:contacts"), query)
        assert response.status_code == 200
        bodies.append(response.content.decode())
    everyone, pending = bodies
    assert (everyone.count("本人已是病例"), everyone.count("本人已死亡")) == (2, 1)
    assert pending.count("<tr>") == 1 + 15


def test_the_case_page_shows_contacts_and_the_chain(world, django_assert_max_num_queries):
    case = make_case(world.building_a)
    close = make_contact(case, world.building_a)
    make_contact(case, world.building_a2, via=close, degree=2)
    own_case = make_case(world.building_a2, person=close.person)
    onward = make_contact(own_case, world.building_a)
    for _ in range(5):
        make_contact(case, world.building_a)
    client = world.client("hq")
    with django_assert_max_num_queries(25):
        response = client.get(reverse("cases:detail", args=[case.pk]))
    body = response.content.decode()
    assert onward.person.name in body
    assert reverse("cases:detail", args=[own_case.pk]) in body


def test_a_contact_whose_observation_has_ended_is_not_put_under_observation(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=20))
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=15))
    url = reverse("cases:contact_observe", args=[contact.pk])
    client = world.client("staff_a")
    said = f"已于 {today - timedelta(days=1):%Y年%-m月%-d日} 结束，无需纳入管控"
    page = client.get(url).content.decode()
    assert said in page
    assert "<form" not in page.split("</h1>")[1]
    response = client.post(url, {"measure": "home"})
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not KeyPerson.objects.exists()
    contact.refresh_from_db()
    assert contact.key_person is None
    with pytest.raises(ValidationError, match="观察期"):
        actions.observe_contact(contact=contact, measure="home", by=world.staff_a)


def test_a_contact_whose_observation_ends_today_is_not_observed(world, today):
    """Released today, a record would owe no follow-up and wait in 待解除 as
    无随访记录: the period is over."""
    case = make_case(world.building_a, onset_date=today - timedelta(days=20))
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=14))
    response = world.client("staff_a").post(
        reverse("cases:contact_observe", args=[contact.pk]), {"measure": "home"}
    )
    assert response.status_code == 400
    assert f"已于 {today:%Y年%-m月%-d日} 结束，无需纳入管控" in response.content.decode()
    assert not KeyPerson.objects.exists()


def test_a_contact_whose_observation_ends_tomorrow_is_observed(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=20))
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=13))
    response = world.client("staff_a").post(
        reverse("cases:contact_observe", args=[contact.pk]), {"measure": "home"}
    )
    assert response.status_code == 302
    assert KeyPerson.objects.get().planned_end == today + timedelta(days=1)


def assert_observation_refused(world, contact, said: str, *, measure: str) -> None:
    """The 纳入管控 page says why and offers no form; posting it anyway is a 400 with
    the same words, and nobody is put under observation."""
    url = reverse("cases:contact_observe", args=[contact.pk])
    client = world.client("staff_a")
    page = client.get(url).content.decode()
    assert said in page
    assert "<form" not in page.split("</h1>")[1]
    response = client.post(url, {"measure": measure})
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not KeyPerson.objects.exists()


@pytest.mark.parametrize(
    ("classification", "said"),
    [
        ("confirmed", "本人已是确诊病例，按病例管理，无需作为密接纳入观察"),
        ("asymptomatic", "本人已是无症状感染者，按病例管理，无需作为密接纳入观察"),
        ("died", "已死亡（见其病例记录），无需纳入管控"),
    ],
)
def test_a_contact_who_is_a_case_is_not_put_under_observation(world, classification, said, today):
    """A contact who is an infected case (in care as a case) or has died is not observed
    as a contact: a 14-day home or central observation of a patient is wrong on every
    list it lands on."""
    case = make_case(world.building_a, onset_date=today - timedelta(days=3))
    other = make_case(world.building_a, classification)
    contact = make_contact(case, world.building_a, person=other.person)
    assert_observation_refused(world, contact, said, measure="central")


def test_a_contact_who_is_a_suspected_or_recovered_case_may_be_observed(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=3))
    for classification in ("suspected", "recovered"):
        other = make_case(world.building_a, classification)
        contact = make_contact(case, world.building_a, person=other.person)
        actions.observe_contact(contact=contact, measure="home", by=world.staff_a)
    assert KeyPerson.objects.count() == 2


def test_a_contact_of_an_excluded_case_is_not_put_under_observation(world, today):
    case = make_case(world.building_a, "excluded", onset_date=today - timedelta(days=3))
    contact = make_contact(case, world.building_a)
    said = "该病例已排除，其密接无需纳入管控；如分类有误，请先修改病例分类"
    assert_observation_refused(world, contact, said, measure="home")


def test_contacts_not_to_be_observed_say_why_and_leave_the_pending_filter(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=20))
    pending = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=2))
    over = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=15))
    excluded_case = make_case(world.building_a, "excluded")
    of_excluded = make_contact(excluded_case, world.building_a, last_contact_date=today)
    client = world.client("staff_a")
    body = client.get(reverse("cases:contacts")).content.decode()
    rows = {c: body.split(c.person.name)[1].split("</tr>")[0] for c in (pending, over, of_excluded)}
    assert "未管控" in rows[pending]
    assert "纳入管控" in rows[pending]
    assert "观察期已过" in rows[over]
    assert "病例已排除" in rows[of_excluded]
    for row in (rows[over], rows[of_excluded]):
        assert "未管控" not in row
        assert "纳入管控" not in row
    filtered = client.get(reverse("cases:contacts"), {"pending": "1"}).content.decode()
    assert pending.person.name in filtered
    assert over.person.name not in filtered
    assert of_excluded.person.name not in filtered
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    table = detail.split("<h2>密切接触者")[1]
    assert "观察期已过" in table.split(over.person.name)[1].split("</tr>")[0]
    detail = client.get(reverse("cases:detail", args=[excluded_case.pk])).content.decode()
    table = detail.split("<h2>密切接触者")[1]
    assert "病例已排除" in table.split(of_excluded.person.name)[1].split("</tr>")[0]


@pytest.mark.parametrize("classification", ["confirmed", "asymptomatic"])
def test_a_contact_who_is_now_a_case_says_so_and_leaves_the_pending_filter(
    world, classification, today
):
    source = make_case(world.building_a, onset_date=today - timedelta(days=3))
    contact = make_contact(source, world.building_a, last_contact_date=today - timedelta(days=2))
    own = make_case(world.building_a, classification, person=contact.person)
    hidden = make_contact(source, world.building_a, last_contact_date=today - timedelta(days=2))
    hidden_case = make_case(world.building_a, classification, person=hidden.person)
    Case.objects.filter(pk=hidden_case.pk).update(area=world.building_b)  # moved since
    client = world.client("staff_a")
    body = client.get(reverse("cases:contacts")).content.decode()
    row = body.split(contact.person.name)[1].split("</tr>")[0]
    assert "本人已是病例" in row
    assert reverse("cases:detail", args=[own.pk]) in row
    assert "未管控" not in row
    assert "纳入管控" not in row
    row = body.split(hidden.person.name)[1].split("</tr>")[0]
    assert "本人已是病例" in row
    assert reverse("cases:detail", args=[hidden_case.pk]) not in row
    filtered = client.get(reverse("cases:contacts"), {"pending": "1"}).content.decode()
    assert contact.person.name not in filtered
    assert hidden.person.name not in filtered
    assert set(Contact.objects.pending()) == set()
    detail = client.get(reverse("cases:detail", args=[source.pk])).content.decode()
    table = detail.split("<h2>密切接触者")[1]
    row = table.split(contact.person.name)[1].split("</tr>")[0]
    assert "本人已是病例" in row
    assert "未管控" not in row
    assert "纳入管控" not in row


def test_a_contact_moved_to_hospital_on_becoming_a_case_shows_it(world):
    source, contact, own = contact_confirmed_as_case(world.building_a, by=world.staff_a)
    key_person = contact.key_person
    assert key_person.status == KeyPerson.Status.HOSPITAL
    client = world.client("staff_a")
    body = client.get(reverse("cases:contacts")).content.decode()
    row = body.split(contact.person.name)[1].split("</tr>")[0]
    assert "本人已是病例" in row
    assert "转医院" not in row
    detail = client.get(reverse("cases:detail", args=[source.pk])).content.decode()
    row = detail.split("<h2>密切接触者")[1].split(contact.person.name)[1].split("</tr>")[0]
    assert "本人已是病例" in row
    assert "转医院" not in row


def test_a_contact_whose_observation_ended_says_how_and_when_not_its_planned_end(world, today):
    source = make_case(world.building_a, onset_date=today - timedelta(days=3))
    sent = make_contact(source, world.building_a, last_contact_date=today - timedelta(days=2))
    released = make_contact(source, world.building_a, last_contact_date=today - timedelta(days=2))
    for contact, status, reason in (
        (sent, KeyPerson.Status.HOSPITAL, KeyPerson.Reason.FEVER_HOSPITAL),
        (released, KeyPerson.Status.RELEASED, KeyPerson.Reason.TEST_NEGATIVE),
    ):
        ended_record(contact, status=status, reason=reason, by=world.staff_a)
    planned_end = f"至 {day_label(KeyPerson.objects.filter(person=sent.person).get().planned_end)}"
    client = world.client("staff_a")
    detail = client.get(reverse("cases:detail", args=[source.pk])).content.decode()
    listing = client.get(reverse("cases:contacts")).content.decode()
    for body in (detail.split("<h2>密切接触者")[1], listing):
        row = body.split(sent.person.name)[1].split("</tr>")[0]
        assert f"{day_label(today)} 转医院，未登记为病例" in row
        assert planned_end not in row
        row = body.split(released.person.name)[1].split("</tr>")[0]
        assert f"{day_label(today)} 已解除" in row
        assert planned_end not in row


def test_an_excluded_case_names_its_contacts_still_under_observation(world, today):
    case = make_case(world.building_a, "suspected", onset_date=today - timedelta(days=3))
    observed = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=2))
    kp = actions.observe_contact(contact=observed, measure="home", by=world.staff_a)
    make_contact(case, world.building_a, last_contact_date=today - timedelta(days=2))
    elsewhere = make_contact(case, world.building_b, last_contact_date=today - timedelta(days=2))
    actions.observe_contact(contact=elsewhere, measure="home", by=world.staff_b)
    client = world.client("staff_a")
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            "classification": "excluded",
            "onset_date": case.onset_date.isoformat(),
            "report_date": case.report_date.isoformat(),
            "reason": "核酸检测两次阴性",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    notice = page.split('id="excluded-observed"')[1].split("</div>")[0]
    assert "该病例已排除，仍有 1 名密接在管控中" in notice
    assert observed.person.name in notice
    assert elsewhere.person.name not in notice  # B's, not shown to A
    assert reverse("watch:detail", args=[kp.pk]) in notice
    kp.refresh_from_db()
    assert kp.status == KeyPerson.Status.ACTIVE  # released by a person, not by the system
    leader = world.client("leader").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "仍有 2 名密接在管控中" in leader
    change_status(
        key_person=kp,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.ORDERED_RELEASE,
        by=world.staff_a,
    )
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="excluded-observed"' not in page
