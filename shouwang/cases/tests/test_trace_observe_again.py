"""Trace hits put under observation whose earlier control record has ended: observed
anew after a new exposure, else named with the reason; never skipped in silence."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import AuditEvent
from shouwang.cases import actions
from shouwang.cases.models import Contact, Trace
from shouwang.watch.actions import change_status
from shouwang.watch.models import KeyPerson

from .factories import make_case, make_contact, make_person

EAST = 21
M = timedelta(minutes=1)


def _released(contact: Contact, *, ended_at: datetime, by) -> KeyPerson:
    record = actions.observe_contact(contact=contact, measure="home", by=by)
    change_status(
        key_person=record,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.TEST_NEGATIVE,
        by=by,
    )
    KeyPerson.objects.filter(pk=record.pk).update(ended_at=ended_at)
    return record


def _trace(world, presence_table, today, *, released_days_ago: dict[str, int]):
    """A case who passed the east gate two days ago at 08:00, with a passer of each
    name 5 minutes later; each passer an earlier contact of the case (last contact four
    days ago) whose record was released the given days ago."""
    case = make_case(world.building_a, onset_date=today - timedelta(days=5))
    t = timezone.make_aware(
        datetime.combine(today - timedelta(days=2), datetime.min.time())
    ) + timedelta(hours=8)
    presence_table.add(case.person, EAST, t)
    records = {}
    for name, days in released_days_ago.items():
        person = make_person(world.building_a, name)
        presence_table.add(person, EAST, t + 5 * M)
        contact = make_contact(
            case, world.building_a, person=person, last_contact_date=today - timedelta(days=4)
        )
        ended_at = timezone.now() - timedelta(days=days)
        records[name] = _released(contact, ended_at=ended_at, by=world.hq)
    client = world.client("hq")
    fmt = "%Y-%m-%dT%H:%M"
    client.post(
        reverse("cases:trace_new", args=[case.pk]),
        {
            "start": timezone.localtime(t - timedelta(days=1)).strftime(fmt),
            "end": timezone.localtime(t + timedelta(hours=2)).strftime(fmt),
            "window_minutes": 15,
            "purpose": "确诊病例流调，排查卡点同时段人员",
        },
    )
    return case, Trace.objects.get(), client, records


def test_a_hit_exposed_after_its_record_ended_is_put_under_control_anew(
    world, presence_table, today
):
    case, trace, client, records = _trace(
        world, presence_table, today, released_days_ago={"新新": 3}
    )
    response = client.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [h.pk for h in trace.hits.all()], "observe": "on", "measure": "central"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(case=case, person__in=[records["新新"].person])
    assert contact.last_contact_date == today - timedelta(days=2)
    assert contact.key_person != records["新新"]
    assert contact.key_person.is_active
    assert contact.key_person.start_date == today - timedelta(days=2)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert "已登记密接 1 人，并已纳入重点人员管控" in said


def test_a_hit_whose_record_ended_after_the_encounter_is_named_not_skipped(
    world, presence_table, today
):
    case, trace, client, records = _trace(
        world, presence_table, today, released_days_ago={"旧旧": 0, "新新": 3}
    )
    response = client.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [h.pk for h in trace.hits.all()], "observe": "on", "measure": "central"},
        follow=True,
    )
    body = response.content.decode()
    assert "已登记密接 2 人，其中 1 人已纳入重点人员管控" in body
    assert (
        f"旧旧 的管控记录已于 {today} 已解除，末次接触 {today - timedelta(days=2)} "
        "不在其后，未重新纳入管控" in body
    )
    old = Contact.objects.get(case=case, person=records["旧旧"].person)
    assert old.key_person_id == records["旧旧"].pk
    assert KeyPerson.objects.filter(person=records["旧旧"].person).count() == 1
    assert KeyPerson.objects.filter(person=records["新新"].person).count() == 2
    assert AuditEvent.objects.filter(detail__contains="1 人管控记录已结束，未重新纳入").exists()


def test_hits_all_under_control_already_are_said_so(world, presence_table, today):
    case, trace, client, records = _trace(
        world, presence_table, today, released_days_ago={"旧旧": 0}
    )
    data = {"hits": [h.pk for h in trace.hits.all()], "observe": "on", "measure": "central"}
    first = client.post(reverse("cases:trace_contacts", args=[trace.pk]), data, follow=True)
    assert "旧旧 的管控记录已于" in first.content.decode()
    # Sent again: the refusal is said again, not hidden behind 未重复登记.
    again = client.post(reverse("cases:trace_contacts", args=[trace.pk]), data, follow=True)
    body = again.content.decode()
    assert "旧旧 的管控记录已于" in body
    assert "所选 1 人已登记为密接，未重复登记" in body
    assert "其中 0 人" not in body
