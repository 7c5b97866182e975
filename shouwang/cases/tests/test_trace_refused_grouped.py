"""Trace hits refused because of a control record in the way are named in one message
per reason (``NAMES_SHOWN`` named, the others counted), as the other skips are; a
single one keeps its link to the record."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from shouwang.cases import actions
from shouwang.cases.models import Trace
from shouwang.watch.actions import change_status
from shouwang.watch.models import KeyPerson

from .factories import make_case, make_contact, make_person

EAST = 21


def _trace_released(world, presence_table, count: int):
    """A traced case whose hits are ``count`` earlier contacts, last met four days ago,
    each released yesterday: the trace's exposure (two days ago) is before the end."""
    today = timezone.localdate()
    case = make_case(world.building_a, onset_date=today - timedelta(days=5))
    t = timezone.make_aware(
        datetime.combine(today - timedelta(days=2), datetime.min.time())
    ) + timedelta(hours=8)
    presence_table.add(case.person, EAST, t)
    records = []
    for i in range(count):
        person = make_person(world.building_a, f"解除{i:02d}")
        presence_table.add(person, EAST, t + timedelta(minutes=5))
        contact = make_contact(
            case, world.building_a, person=person, last_contact_date=today - timedelta(days=4)
        )
        record = actions.observe_contact(contact=contact, measure="home", by=world.hq)
        change_status(
            key_person=record,
            status=KeyPerson.Status.RELEASED,
            reason=KeyPerson.Reason.TEST_NEGATIVE,
            by=world.hq,
        )
        KeyPerson.objects.filter(pk=record.pk).update(ended_at=timezone.now() - timedelta(days=1))
        records.append(record)
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
    trace = Trace.objects.get()
    response = client.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [h.pk for h in trace.hits.all()], "observe": "on", "measure": "central"},
    )
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)], records


def test_many_refused_hits_are_named_in_one_message(world, presence_table):
    texts, _ = _trace_released(world, presence_table, 12)
    refused = [t for t in texts if "未重新纳入管控" in t]
    assert len(refused) == 1
    assert "等 12 人" in refused[0]
    assert "解除00" in refused[0]
    assert "解除11" not in refused[0]
    assert reverse("cases:contacts") in refused[0]


def test_a_single_refused_hit_keeps_the_link_to_its_record(world, presence_table):
    texts, records = _trace_released(world, presence_table, 1)
    refused = [t for t in texts if "未重新纳入管控" in t]
    assert len(refused) == 1
    assert reverse("watch:detail", args=[records[0].pk]) in refused[0]
