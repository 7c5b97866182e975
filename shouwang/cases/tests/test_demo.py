"""`shouwang demo` builds one confirmed and one suspected case, contacts and a key
area, and a second run adds nothing."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from shouwang.cases.models import (
    Case,
    CaseEvent,
    Contact,
    HouseholdVisit,
    KeyArea,
    TreatmentInstitution,
)
from shouwang.watch.models import KeyPerson


def counts() -> tuple[int, ...]:
    models = (Case, CaseEvent, Contact, KeyArea, KeyPerson, HouseholdVisit, TreatmentInstitution)
    return tuple(m.objects.count() for m in models)


def test_the_demo_builds_cases_once(db):
    call_command("demo", "--size", "tiny", "--no-serve", stdout=io.StringIO())
    assert set(Case.objects.values_list("classification", flat=True)) == {
        "confirmed",
        "suspected",
    }
    assert Contact.objects.filter(degree=1).count() == 3
    # both cases are treated at institutions of the list HQ keeps
    assert set(Case.objects.values_list("institution__name", flat=True)) == {
        "市第六人民医院",
        "区人民医院发热门诊",
    }
    assert TreatmentInstitution.objects.count() == 3
    assert Contact.objects.filter(degree=2).count() == 1
    assert KeyArea.objects.active().count() == 1
    # one contact is put under observation (or linked to the record the watch demo made)
    assert Contact.objects.filter(key_person__isnull=False).count() == 1
    # the key area's households were visited yesterday and some today, one unwell
    today = timezone.localdate()
    assert HouseholdVisit.objects.filter(day=today - timedelta(days=1)).exists()
    assert HouseholdVisit.objects.filter(day=today, abnormal=True).count() == 1
    first = counts()
    call_command("demo", "--size", "tiny", "--no-serve", stdout=io.StringIO())
    assert counts() == first
