"""纳入管控 of a contact whose latest control record is 失联 or 转医院: that record is
resumed, no second one is made (the watch app's rule for 登记)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from shouwang.cases import actions
from shouwang.watch.models import KeyPerson

from .factories import (
    ended_record,
    make_case,
    make_contact,
    met_again,
    observe_all_hits,
    traced_earlier_contacts,
)

AWAY = [
    (KeyPerson.Status.LOST, KeyPerson.Reason.UNREACHABLE, "失联"),
    (KeyPerson.Status.HOSPITAL, KeyPerson.Reason.OTHER_ILLNESS, "转医院"),
]


def _days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


@pytest.mark.parametrize(("status", "reason", "label"), AWAY)
def test_a_new_exposure_does_not_register_a_person_to_resume(world, status, reason, label, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=5))
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=5))
    old = ended_record(
        contact, status=status, reason=reason, ended_at=_days_ago(2), by=world.staff_a
    )
    met_again(contact, by=world.staff_a)
    client = world.client("staff_a")
    response = client.post(reverse("cases:contact_observe", args=[contact.pk]), {"measure": "home"})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{contact.person.name} 已有{label}的管控记录，未新建记录；" in body
    assert f"请在该记录（编号 {old.pk}）变更为管控中" in body
    assert f'<a href="{reverse("watch:detail", args=[old.pk])}">查看该管控记录</a>' in body
    assert list(KeyPerson.objects.filter(person=contact.person)) == [old]
    contact.refresh_from_db()
    assert contact.key_person_id == old.pk


def test_a_contact_with_a_record_to_resume_from_elsewhere_is_refused(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=5))
    first = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=5))
    old = ended_record(
        first,
        status=KeyPerson.Status.LOST,
        reason=KeyPerson.Reason.UNREACHABLE,
        ended_at=_days_ago(1),
        by=world.staff_a,
    )
    other = make_case(world.building_a, onset_date=today - timedelta(days=3))
    contact = make_contact(
        other, world.building_a, person=first.person, last_contact_date=today - timedelta(days=2)
    )
    client = world.client("staff_a")
    response = client.post(reverse("cases:contact_observe", args=[contact.pk]), {"measure": "home"})
    assert response.status_code == 400
    assert f"已有失联的管控记录，未新建记录；人员找到或返回后，请在该记录（编号 {old.pk}）" in (
        response.content.decode()
    )
    assert list(KeyPerson.objects.filter(person=first.person)) == [old]
    contact.refresh_from_db()
    assert contact.key_person_id is None


def test_trace_observe_names_the_person_to_resume(world, presence_table, monkeypatch, today):
    case, trace, client, records = traced_earlier_contacts(
        world,
        presence_table,
        ended={
            "失失": (KeyPerson.Status.LOST, KeyPerson.Reason.UNREACHABLE, 3),
            "解解": (KeyPerson.Status.RELEASED, KeyPerson.Reason.TEST_NEGATIVE, 3),
        },
    )
    # Counted from here: the setup observed each contact once already.
    calls = []
    resume_refusal = actions.resume_refusal
    monkeypatch.setattr(
        "shouwang.cases.actions.contacts.resume_refusal",
        lambda contact, **kw: calls.append(contact.pk) or resume_refusal(contact, **kw),
    )
    response = observe_all_hits(client, trace)
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert "已登记密接 2 人，其中 1 人已纳入重点人员管控" in said
    lost = records["失失"]
    link = f'<a href="{reverse("watch:detail", args=[lost.pk])}">查看该管控记录</a>'
    assert (
        f"失失 已有失联的管控记录，未新建记录；人员找到或返回后，请在该记录（编号 {lost.pk}）"
        f"变更为管控中（已找到，恢复管控） {link}"
    ) in said
    assert len(calls) == len(set(calls))  # once per contact
    assert list(KeyPerson.objects.filter(person=records["失失"].person)) == [records["失失"]]
    assert KeyPerson.objects.filter(person=records["解解"].person).count() == 2


def test_a_contact_now_a_case_after_a_new_exposure_shows_as_a_case(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=5))
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=5))
    ended_record(
        contact,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.TEST_NEGATIVE,
        ended_at=_days_ago(2),
        by=world.staff_a,
    )
    met_again(contact, by=world.staff_a)
    make_case(world.building_a, person=contact.person)
    client = world.client("staff_a")
    for url in (reverse("cases:contacts"), reverse("cases:detail", args=[case.pk])):
        body = client.get(url).content.decode()
        assert "本人已是病例" in body
        assert '<span class="badge red">未管控</span>' not in body
        assert reverse("cases:contact_observe", args=[contact.pk]) not in body
