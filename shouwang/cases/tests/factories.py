"""Rows for the cases tests: persons in the ledger, cases, contacts, key areas, traces."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.people.documents import DocumentType, check_char
from shouwang.people.models import Household, Person

from .. import actions
from ..models import Case, Contact, KeyArea, Trace, TreatmentInstitution

_serial = itertools.count(1)


def id_number(n: int | None = None) -> str:
    n = next(_serial) if n is None else n
    # Another district than the checkpoint factories' numbers: a test using both never
    # makes two persons with one document (the ledger refuses the second).
    first17 = f"41010319900101{n % 1000:03d}"
    return first17 + check_char(first17)


def make_person(area: Area, name: str = "", *, room: str = "") -> Person:
    n = next(_serial)
    household = None
    if area.kind == Area.Kind.BUILDING:
        household, _ = Household.objects.get_or_create(area=area, unit="", room=room or f"{n}")
    person = Person(area=area, household=household)
    if household is not None:
        person.relation = household.newcomer_relation()
    person.set_name(name or f"居民{n}")
    person.set_document(DocumentType.ID_CARD, id_number(n))
    person.set_phone(f"139{n:08d}")
    person.save()
    return person


def visit_data(**overrides) -> dict:
    """The POST of a household visit tap: a fresh client id, 上门."""
    return {"client_id": str(uuid.uuid4()), "method": "visit", **overrides}


def institution(name: str = "市传染病医院", **fields) -> TreatmentInstitution:
    """An entry of the list of treatment institutions, made on first use."""
    return TreatmentInstitution.objects.get_or_create(name=name, defaults=fields)[0]


def make_case(area: Area, classification: str = Case.Classification.CONFIRMED, **fields) -> Case:
    person = fields.pop("person", None) or make_person(area)
    today = timezone.localdate()
    return Case.objects.create(
        person=person,
        area=person.area,
        classification=classification,
        report_date=fields.pop("report_date", today),
        confirmed_date=fields.pop(
            "confirmed_date", today if classification == Case.Classification.CONFIRMED else None
        ),
        **fields,
    )


def make_contact(case: Case, area: Area, **fields) -> Contact:
    person = fields.pop("person", None) or make_person(area)
    return Contact.objects.create(
        case=case,
        person=person,
        area=person.area,
        kind=fields.pop("kind", Contact.Kind.HOUSEHOLD),
        last_contact_date=fields.pop("last_contact_date", timezone.localdate()),
        **fields,
    )


def contact_confirmed_as_case(area: Area, *, by) -> tuple[Case, Contact, Case]:
    """A case's contact put under observation, then confirmed as a case themselves
    (their key-person record goes to 转医院): the source case, the contact, the own case."""
    today = timezone.localdate()
    source = make_case(area, onset_date=today - timedelta(days=3))
    contact = make_contact(source, area, last_contact_date=today - timedelta(days=2))
    actions.observe_contact(contact=contact, measure="home", by=by)
    own = make_case(area, Case.Classification.SUSPECTED, person=contact.person)
    actions.change_case(
        case=own,
        by=by,
        classification=Case.Classification.CONFIRMED,
        onset_date=None,
        confirmed_date=today,
        institution=None,
        reason="核酸检测阳性",
    )
    contact.refresh_from_db()
    return source, contact, own


def make_key_area(area: Area, **fields) -> KeyArea:
    return KeyArea.objects.create(
        area=area,
        level=fields.pop("level", KeyArea.Level.STRICT),
        reason=fields.pop("reason", "出现确诊病例"),
        start_date=fields.pop("start_date", timezone.localdate()),
        **fields,
    )


def make_trace(case: Case, **fields) -> Trace:
    now = timezone.now()
    return Trace.objects.create(
        case=case,
        purpose=fields.pop("purpose", "流调排查"),
        start=fields.pop("start", now - timedelta(days=3)),
        end=fields.pop("end", now),
        window_minutes=fields.pop("window_minutes", 15),
        window_from=fields.pop("window_from", case.infectious_from()),
        **fields,
    )
