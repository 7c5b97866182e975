"""Rows for the cases tests: persons in the ledger, cases, contacts, key areas, traces;
control records ended as a test needs them; the two posts of a trace through the
pages (run it, turn its hits into contacts under observation); household visit taps
and attempts that found nobody."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.people.documents import DocumentType, check_char
from shouwang.people.models import Household, Person
from shouwang.watch.actions import change_status
from shouwang.watch.models import Category, KeyPerson

from .. import actions
from ..models import (
    CLOSE_CONTACT_CATEGORY,
    Case,
    Contact,
    HouseholdVisit,
    KeyArea,
    Trace,
    TraceHit,
    TreatmentInstitution,
)

_serial = itertools.count(1)

# The gates of the tracing tests (checkpoint ids in the presence table), and a minute.
EAST, WEST = 21, 22
M = timedelta(minutes=1)


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


def unreached(client: Client, household_id: int, **overrides: Any) -> Any:
    """The htmx POST of 联系不上 for a household (上门 unless ``method`` is given)."""
    return client.post(
        reverse("cases:visit_unreached", args=[household_id]),
        visit_data(**overrides),
        HTTP_HX_REQUEST="true",
    )


def attempt_on(marked: Any, household: Household, day: date) -> HouseholdVisit:
    """An attempt that found nobody, recorded on ``day`` at 10:00 by the grid worker of
    the ``marked`` world, as the phone would have sent it (the key area started by then)."""
    marked.key_area.start_date = min(marked.key_area.start_date, day)
    marked.key_area.save()
    at = timezone.make_aware(datetime.combine(day, time(10)))
    visit, _ = actions.record_household_unreached(
        household=household, client_id=uuid.uuid4(), method="visit", by=marked.grid_worker_a, now=at
    )
    return visit


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


def mark_data(area: Area, today: date, **overrides: Any) -> dict:
    """The POST of the key-area form: ``area`` 封闭管理 from ``today``, no lift date."""
    data = {
        "area": area.pk,
        "level": "strict",
        "reason": "出现确诊病例",
        "start_date": today.isoformat(),
        "end_date": "",
    }
    return {**data, **overrides}


def make_key_person(
    person: Person,
    *,
    category: str = CLOSE_CONTACT_CATEGORY,
    source: str = KeyPerson.Source.ASSIGNED,
    measure: str = KeyPerson.Measure.HOME,
    start_date: date | None = None,
    planned_end: date | None = None,
    **fields: Any,
) -> KeyPerson:
    """A key-person record of ``person`` made as it stands (not through the watch
    app's registration): the category by name, from yesterday for 14 days unless
    ``start_date`` and ``planned_end`` say otherwise."""
    today = timezone.localdate()
    return KeyPerson.objects.create(
        person=person,
        area=person.area,
        category=Category.objects.get_or_create(name=category)[0],
        source=source,
        measure=measure,
        start_date=start_date or today - timedelta(days=1),
        planned_end=planned_end or today + timedelta(days=13),
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


def make_hit(trace: Trace, person: Person, *, minutes_apart: int = 5) -> TraceHit:
    """A hop-1 hit of ``trace``: ``person`` passed a gate ``minutes_apart`` after the
    case, yesterday at 08:00 (no presence table needed)."""
    met = at_eight(timezone.localdate() - timedelta(days=1))
    at = met + timedelta(minutes=minutes_apart)
    return TraceHit.objects.create(
        trace=trace,
        person=person,
        encounters=[
            {
                "checkpoint_id": EAST,
                "checkpoint": "东门",
                "at": at.isoformat(),
                "met_at": met.isoformat(),
            }
        ],
        first_at=at,
        last_at=at,
        closest_seconds=minutes_apart * 60,
    )


def ended_record(
    contact: Contact,
    *,
    by: Any,
    status: str = KeyPerson.Status.RELEASED,
    reason: str = KeyPerson.Reason.TEST_NEGATIVE,
    ended_at: datetime | None = None,
) -> KeyPerson:
    """Observe ``contact`` (居家) and end its record with ``status`` for ``reason``;
    with ``ended_at``, as if it had ended then."""
    record = actions.observe_contact(contact=contact, measure="home", by=by)
    change_status(key_person=record, status=status, reason=reason, by=by)
    if ended_at is not None:
        KeyPerson.objects.filter(pk=record.pk).update(ended_at=ended_at)
        record.refresh_from_db()
    return record


def met_again(contact: Contact, *, by: Any) -> Contact:
    """A new exposure: the contact met the case again yesterday (at home), entered on
    the case as 同住 contact. Returns the contact as stored."""
    return actions.add_contact(
        case=contact.case,
        person=contact.person,
        kind="household",
        last_contact_date=timezone.localdate() - timedelta(days=1),
        by=by,
    )[0]


def at_eight(day: date) -> datetime:
    """08:00 local time of ``day``: when the traced cases pass a gate."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=8)


def trace_data(t: datetime, **overrides: Any) -> dict:
    """The POST of a new trace around ``t`` (a day either side unless ``start`` or
    ``end`` is given; a datetime given is sent as the form's local minute)."""
    data = {
        "start": t - timedelta(days=1),
        "end": t + timedelta(days=1),
        "window_minutes": 15,
        "purpose": "确诊病例流调，排查卡点同时段人员",
        **overrides,
    }
    return {
        name: timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        if isinstance(value, datetime)
        else value
        for name, value in data.items()
    }


def observe_all_hits(client: Client, trace: Trace, **kwargs: Any) -> Any:
    """Post every hit of ``trace`` to be made contacts and put under observation (集中)."""
    return client.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [h.pk for h in trace.hits.all()], "observe": "on", "measure": "central"},
        **kwargs,
    )


def traced_earlier_contacts(
    world: Any, presence_table: Any, *, ended: dict[str, tuple[str, str, int]]
) -> tuple[Case, Trace, Client, dict[str, KeyPerson]]:
    """A case (onset five days ago) who passed gate 21 at 08:00 two days ago, traced by
    HQ through the page; with a passer of each name of ``ended`` five minutes later, each
    an earlier contact of the case (last contact four days ago) whose record ended
    (status, reason, days ago). Returns the case, the trace, HQ's client, the records."""
    today = timezone.localdate()
    case = make_case(world.building_a, onset_date=today - timedelta(days=5))
    t = at_eight(today - timedelta(days=2))
    presence_table.add(case.person, 21, t)
    records = {}
    for name, (status, reason, days_ago) in ended.items():
        person = make_person(world.building_a, name)
        presence_table.add(person, 21, t + timedelta(minutes=5))
        contact = make_contact(
            case, world.building_a, person=person, last_contact_date=today - timedelta(days=4)
        )
        records[name] = ended_record(
            contact,
            status=status,
            reason=reason,
            ended_at=timezone.now() - timedelta(days=days_ago),
            by=world.hq,
        )
    client = world.client("hq")
    client.post(
        reverse("cases:trace_new", args=[case.pk]), trace_data(t, end=t + timedelta(hours=2))
    )
    return case, Trace.objects.get(), client, records
