"""Trace hits refused because of a control record in the way are named in one message
per reason (``NAMES_SHOWN`` named, the others counted), as the other skips are; a
single one keeps its link to the record."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from shouwang.watch.models import KeyPerson

from .factories import observe_all_hits, traced_earlier_contacts


def _trace_released(world, presence_table, count: int):
    """A traced case whose hits are ``count`` earlier contacts, last met four days ago,
    each released yesterday: the trace's exposure (two days ago) is before the end."""
    released = (KeyPerson.Status.RELEASED, KeyPerson.Reason.TEST_NEGATIVE, 1)
    _, trace, client, records = traced_earlier_contacts(
        world, presence_table, ended={f"解除{i:02d}": released for i in range(count)}
    )
    response = observe_all_hits(client, trace)
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)], list(records.values())


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
