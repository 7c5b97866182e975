"""Observing the contacts of a trace runs each check of ``observe_refusal`` once per
contact: each further contact costs the same fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shouwang.cases import actions

from .factories import EAST, at_eight, make_case, make_person

# What one more fresh contact costs: made a contact (and its hit linked), its checks
# once, registered as a key person with its history, audited. With the checks run a
# second time (``ended_record_refusal`` and ``resume_refusal`` before
# ``observe_contact``) it was 41; with its watch category looked up four times and its
# running record twice, 37; before its case was read with the contact it locks, 33.
PER_CONTACT = 30


def _observe_trace(world, presence_table, trace_around, count: int) -> int:
    """The queries of observing a trace of ``count`` fresh hits."""
    today = timezone.localdate()
    case = make_case(world.building_a, onset_date=today - timedelta(days=5))
    t = at_eight(today - timedelta(days=2))
    presence_table.add(case.person, EAST, t)
    for i in range(count):
        person = make_person(world.building_a, f"同行{i:02d}")
        presence_table.add(person, EAST, t + timedelta(minutes=5))
    trace = trace_around(case, t, before=timedelta(days=1), after=timedelta(hours=2))
    hits = list(trace.hits.all())
    with CaptureQueriesContext(connection) as queries:
        result = actions.contacts_from_trace(trace=trace, hits=hits, observe=True, by=world.hq)
    assert result.observed == count
    return len(queries)


def test_each_further_contact_costs_its_checks_once(world, presence_table, trace_around):
    one = _observe_trace(world, presence_table, trace_around, 1)
    presence_table.clear()
    three = _observe_trace(world, presence_table, trace_around, 3)
    assert (three - one) / 2 == PER_CONTACT
