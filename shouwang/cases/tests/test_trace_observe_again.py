"""Trace hits put under observation whose earlier control record has ended: observed
anew after a new exposure, else named with the reason; never skipped in silence."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.messages import get_messages

from shouwang.accounts.models import AuditEvent
from shouwang.cases.models import Contact
from shouwang.watch.models import KeyPerson

from .factories import observe_all_hits, traced_earlier_contacts


def _trace(world, presence_table, *, released_days_ago: dict[str, int]):
    """A case traced at the east gate with a passer of each name, an earlier contact
    whose record was released the given days ago (``traced_earlier_contacts``)."""
    released = (KeyPerson.Status.RELEASED, KeyPerson.Reason.TEST_NEGATIVE)
    return traced_earlier_contacts(
        world,
        presence_table,
        ended={name: (*released, days) for name, days in released_days_ago.items()},
    )


def test_a_hit_exposed_after_its_record_ended_is_put_under_control_anew(
    world, presence_table, today
):
    case, trace, client, records = _trace(world, presence_table, released_days_ago={"新新": 3})
    response = observe_all_hits(client, trace)
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
        world, presence_table, released_days_ago={"旧旧": 0, "新新": 3}
    )
    response = observe_all_hits(client, trace, follow=True)
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
    case, trace, client, records = _trace(world, presence_table, released_days_ago={"旧旧": 0})
    first = observe_all_hits(client, trace, follow=True)
    assert "旧旧 的管控记录已于" in first.content.decode()
    # Sent again: the refusal is said again, not hidden behind 未重复登记.
    again = observe_all_hits(client, trace, follow=True)
    body = again.content.decode()
    assert "旧旧 的管控记录已于" in body
    assert "所选 1 人已登记为密接，未重复登记" in body
    assert "其中 0 人" not in body
