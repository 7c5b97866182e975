"""A case classified 排除 while its trace's hits are being made contacts: the exclusion
is checked on the case row locked inside the transaction that writes the contacts, so
no contact is written on a case excluded before it (contacts written before the
exclusion stay, named on the case page)."""

from __future__ import annotations

import threading
import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from shouwang.cases import views
from shouwang.cases.actions import tracing
from shouwang.cases.models import Case, CaseEvent, Contact, Trace
from shouwang.core.tests.races import at_once

from .factories import make_case, make_hit, make_person, make_trace

EXCLUSION = "该病例已排除，无需追踪；如分类有误，请先修改病例分类"


def _traced_case(world) -> tuple[Case, Trace]:
    case = make_case(world.building_a, Case.Classification.SUSPECTED)
    trace = make_trace(case, requested_by=world.hq)
    for name in ("安安", "博博"):
        make_hit(trace, make_person(world.building_a, name))
    return case, trace


def _make_contacts(client: Client, trace: Trace):
    """Post every hit of ``trace`` to be made contacts, not put under observation (the
    observation's own check would read the case again and refuse in its own words)."""
    return client.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [h.pk for h in trace.hits.all()], "measure": "central"},
    )


def _exclude(client: Client, case: Case):
    return client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            "classification": "excluded",
            "report_date": case.report_date.isoformat(),
            "reason": "复核排除",
        },
    )


def test_an_exclusion_committed_after_the_page_read_the_case_is_seen(world):
    """The request read the case (with its trace) before the exclusion was committed:
    the action reads the case again, locked, and refuses."""
    case, trace = _traced_case(world)
    read = views._trace_for

    def read_then_excluded(request, pk):
        trace = read(request, pk)
        Case.objects.filter(pk=case.pk).update(classification=Case.Classification.EXCLUDED)
        return trace

    with mock.patch.object(views, "_trace_for", read_then_excluded):
        response = _make_contacts(world.client("hq"), trace)

    assert response.status_code == 400
    assert EXCLUSION in response.content.decode()
    assert not Contact.objects.exists()
    assert not trace.hits.exclude(contact=None).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="in-process threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_an_exclusion_racing_the_contacts_waits_for_them(world):
    """Two requests at once: HQ makes the trace's hits contacts, staff exclude the
    case. The exclusion is held at the case row until the contacts are committed, so it
    follows them; before the lock it was committed between the check and the writes."""
    case, trace = _traced_case(world)
    hq, staff = world.client("hq"), world.client("staff_a")
    checked, excluded = threading.Event(), threading.Event()
    rival: dict[str, int] = {}
    write = tracing._contact_for_hit

    def write_after_the_rival(hit, **kwargs):
        # Past the check, before the first write: let the exclusion go first, until it
        # has committed or waits for a lock this transaction holds.
        if not checked.is_set():
            checked.set()
            deadline = time.monotonic() + 10
            while not excluded.is_set() and time.monotonic() < deadline:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted",
                        [rival.get("pid", 0)],
                    )
                    if cursor.fetchone():
                        break
                time.sleep(0.02)
        return write(hit, **kwargs)

    def work(i: int):
        if i == 0:
            with mock.patch.object(tracing, "_contact_for_hit", write_after_the_rival):
                return _make_contacts(hq, trace)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            rival["pid"] = cursor.fetchone()[0]
        try:
            assert checked.wait(timeout=10)
            return _exclude(staff, case)
        finally:
            excluded.set()

    made, exclusion = at_once(2, work)

    assert made.status_code == 302, made
    assert exclusion.status_code == 302, exclusion
    case.refresh_from_db()
    assert case.classification == Case.Classification.EXCLUDED
    excluded_at = CaseEvent.objects.get(case=case, to_classification="excluded").at
    contacts = Contact.objects.filter(case=case)
    assert contacts.count() == 2
    assert all(c.created_at < excluded_at for c in contacts)
