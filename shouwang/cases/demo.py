"""Demo cases (seed 000: "共发现疑似2例，确诊收治1例"): one confirmed case (suspected
two days ago, confirmed yesterday) with its household and colleagues as close
contacts, one secondary contact, one suspected case in another compound (today), and
the confirmed case's compound marked as a key area; the cases are treated at
institutions of the list HQ keeps (收治机构)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core.demo import DemoContext
from shouwang.people import actions as people_actions
from shouwang.people.documents import DocumentType, check_char
from shouwang.people.models import Household, Person
from shouwang.watch.models import KeyPerson

from . import actions
from .key_areas import households_to_visit
from .models import Case, CaseEvent, Contact, HouseholdVisit, KeyArea, TreatmentInstitution

# name, room, sex digit (odd: male) — used only when the ledger has nobody there yet.
RESIDENTS = [
    ("张建国", "1-101", 1),
    ("李秀英", "1-101", 2),
    ("张小明", "1-101", 3),
    ("王志强", "1-202", 5),
    ("刘芳", "1-301", 4),
    ("陈伟", "2-102", 7),
]


# The list of treatment institutions HQ starts with: name, kind.
INSTITUTIONS = [
    ("市第六人民医院", TreatmentInstitution.Kind.DESIGNATED),
    ("市传染病医院", TreatmentInstitution.Kind.DESIGNATED),
    ("区人民医院发热门诊", TreatmentInstitution.Kind.FEVER_CLINIC),
]


def _institutions(by: Any) -> dict[str, TreatmentInstitution]:
    """The demo's list of treatment institutions, added (as HQ would) where missing."""
    listed = {i.name: i for i in TreatmentInstitution.objects.filter(name__in=dict(INSTITUTIONS))}
    for order, (name, kind) in enumerate(INSTITUTIONS):
        if name not in listed:
            listed[name] = actions.save_institution(
                institution=TreatmentInstitution(name=name, kind=kind, order=order), by=by
            )
    return listed


def _id_number(i: int) -> str:
    first17 = f"4101051980{(i % 9) + 1:02d}15{i % 1000:03d}"
    return first17 + check_char(first17)


def _residents(building: Area, by: Any) -> list[Person]:
    """The first residents of ``building`` in the ledger, adding demo ones (through the
    people app) if too few. Persons with a key-person record are left out: the watch
    demo, built before, chose them for its own story (one proposed for release today,
    whose period an exposure to the case would extend, or a case's transfer to
    hospital end), and which persons it chose depends on the time of day."""
    persons = list(
        Person.objects.filter(area=building, key_records__isnull=True)
        .current()
        .order_by("pk")[: len(RESIDENTS)]
    )
    for i, (name, room, _sex) in enumerate(RESIDENTS):
        if len(persons) == len(RESIDENTS):
            break
        doc_number = _id_number(i + building.pk * 10)
        if Person.objects.with_document(doc_number).exists():
            continue  # added by an earlier run, and under observation since
        unit, number = room.split("-")
        household = Household.objects.filter(
            area=building, unit=unit, room=number
        ).first() or people_actions.create_household(
            area=building, fields={"unit": unit, "room": number}, by=by
        )
        persons.append(
            people_actions.create_person(
                household=household,
                name=name,
                doc_type=DocumentType.ID_CARD,
                doc_number=doc_number,
                phone=f"1370371{building.pk % 100:02d}{i:02d}",
                note="演示数据",
                by=by,
            )
        )
    return persons


def _backdate(case: Case, *, reported: date, confirmed_on: date) -> None:
    """The history as it happened: entered as suspected on its report day, confirmed
    the next day (at 10:00 local), so the daily reports of those days count it."""
    zone = timezone.get_current_timezone()
    entered = datetime.combine(reported, time(10), tzinfo=zone)
    Case.objects.filter(pk=case.pk).update(created_at=entered)
    events = CaseEvent.objects.filter(case=case)
    events.filter(to_classification=Case.Classification.SUSPECTED).update(at=entered)
    events.filter(to_classification=Case.Classification.CONFIRMED).update(
        at=datetime.combine(confirmed_on, time(10), tzinfo=zone)
    )


def build(ctx: DemoContext) -> None:
    hq = ctx.users.get("hq")
    compounds = list(Area.objects.within(ctx.subdistrict).compounds().order_by("path")[:2])
    if len(compounds) < 2:
        return
    buildings = [c.children.order_by("path").first() for c in compounds]
    if None in buildings:
        return
    # Before choosing residents: a second run would choose others, the first run's
    # contacts being under observation by then.
    if Case.objects.filter(person__area=buildings[0]).exists():
        ctx.log("病例：已存在，跳过")
        return
    first = _residents(buildings[0], hq)
    index = first[0]
    institutions = _institutions(hq)
    today = timezone.localdate()
    reported, confirmed_on = today - timedelta(days=2), today - timedelta(days=1)
    confirmed = actions.create_case(
        person=index,
        classification=Case.Classification.SUSPECTED,
        onset_date=today - timedelta(days=5),
        report_date=reported,
        institution=institutions["市第六人民医院"],
        notes="自武汉返回后第9天发热",
        by=hq,
    )
    actions.change_case(
        case=confirmed,
        classification=Case.Classification.CONFIRMED,
        confirmed_date=confirmed_on,
        reason="核酸检测阳性",
        by=hq,
    )
    _backdate(confirmed, reported=reported, confirmed_on=confirmed_on)
    confirmed.refresh_from_db()
    kinds = [Contact.Kind.HOUSEHOLD, Contact.Kind.HOUSEHOLD, Contact.Kind.COWORKER]
    contacts = []
    for person, kind in zip(first[1:4], kinds, strict=True):
        contact, _ = actions.add_contact(
            case=confirmed,
            person=person,
            kind=kind,
            last_contact_date=today - timedelta(days=2),
            by=hq,
        )
        contacts.append(contact)
    actions.add_contact(
        case=confirmed,
        person=first[4],
        kind=Contact.Kind.VISIT,
        last_contact_date=today - timedelta(days=1),
        via=contacts[0],
        by=hq,
    )
    actions.observe_contact(contact=contacts[0], measure=KeyPerson.Measure.CENTRAL, by=hq)
    key_area = actions.mark_key_area(
        area=compounds[0],
        level=KeyArea.Level.STRICT,
        reason="出现确诊病例及密切接触者",
        start_date=today - timedelta(days=1),
        case=confirmed,
        by=hq,
    )
    suspect = _residents(buildings[1], hq)[0]
    actions.create_case(
        person=suspect,
        classification=Case.Classification.SUSPECTED,
        onset_date=today - timedelta(days=1),
        report_date=today,
        institution=institutions["区人民医院发热门诊"],
        by=hq,
    )
    visits = _visits(key_area, ctx.users.get("grid_a") or hq)
    ctx.log(
        f"病例：确诊 1 例、疑似 1 例，密接 {len(contacts) + 1} 人，重点区域 {compounds[0].name}"
        f"（住户随访 {visits} 户次）"
    )


def _visits(key_area: KeyArea, by: Any) -> int:
    """Yesterday's household visits of the key area, two households missed, and a
    third of today's, one of them with a member running a fever."""
    households = list(households_to_visit().within(key_area.area).order_by("pk"))
    today = timezone.localdate()
    yesterday = timezone.make_aware(datetime.combine(today - timedelta(days=1), time(10)))
    done = 0
    # Two missed, but at least one visited: a tiny ledger may leave only two or three
    # households at home (the case in hospital, a contact in central isolation).
    missed = min(2, len(households) - 1)
    for n, household in enumerate(households[max(missed, 0) :]):
        method = HouseholdVisit.Method.VISIT if n % 3 else HouseholdVisit.Method.PHONE
        actions.record_household_visit(
            household=household, client_id=uuid.uuid4(), method=method, by=by, now=yesterday
        )
        done += 1
    # (from the last: the first households hold the case and its close contacts)
    for n, household in enumerate(reversed(households[-max(len(households) // 3, 1) :])):
        unwell = household.persons.filter(moved_out=False).first() if n == 0 else None
        actions.record_household_visit(
            household=household,
            client_id=uuid.uuid4(),
            method=HouseholdVisit.Method.VISIT,
            person=unwell,
            temperature=Decimal("37.6") if unwell else None,
            symptoms=["cough"] if unwell else [],
            by=by,
        )
        done += 1
    return done
