"""Workflows of cases, contacts, key areas and presence tracing. Every change is audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import SEGMENT, Area
from shouwang.people import actions as people_actions
from shouwang.people.documents import DocumentError, validate_document
from shouwang.people.models import Household, Person
from shouwang.watch.actions import (
    active_key_person,
    extend_observation,
    raise_alert,
    register_key_person,
)
from shouwang.watch.alerting import masked_name, place
from shouwang.watch.models import FEVER_FROM, Alert, Category, FollowUp, KeyPerson

from . import presence
from .key_areas import households_to_visit, key_area_for
from .models import (
    INFECTIOUS_LEAD_DAYS,
    Case,
    CaseEvent,
    Contact,
    HouseholdFinding,
    HouseholdVisit,
    KeyArea,
    SecondDayUnreached,
    Trace,
    TraceHit,
)

CLOSE_CONTACT_CATEGORY = "密切接触者"
SECONDARY_CONTACT_CATEGORY = "次密切接触者"
OBSERVATION_DAYS = 14
MAX_TRACE_DAYS = 28  # the check-in retention window
MAX_WINDOW_MINUTES = 120
# A trace stores the closest hop-1 persons, up to this many (the page lists them, hop 2
# starts from them) and counts the others: storing each of the thousands found at busy
# gates would cost several times the search itself.
MAX_STORED_HITS = 500
# Hop 2 from more persons than this reaches most of a sub-district: narrow hop 1 first.
MAX_SECOND_HOP_SOURCES = MAX_STORED_HITS

# Field labels for the history of a case (classification is recorded on its own).
CASE_FIELDS = {
    "onset_date": "发病日期",
    "report_date": "报告日期",
    "confirmed_date": "确诊日期",
    "treated_at": "收治机构",
    "notes": "备注",
}


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return value.isoformat() if isinstance(value, date) else str(value)


# A date typed now more than this far back is a typing error (the year 0202, 0001):
# it would also put the start of tracing (two days earlier) before the calendar.
EARLIEST_NEW_DATE = timedelta(days=365)
# A key area may be marked to start this many days ahead at most.
LATEST_KEY_AREA_START_DAYS = 30


def _check_case_dates(
    *,
    classification: str,
    onset_date: date | None,
    report_date: date,
    confirmed_date: date | None,
    new: frozenset[str] = frozenset(CASE_FIELDS),
) -> None:
    """The dates' order and range; only the fields named in ``new`` (the values typed
    now) must lie within the last year."""
    today = timezone.localdate()
    for name, value in (
        ("onset_date", onset_date),
        ("report_date", report_date),
        ("confirmed_date", confirmed_date),
    ):
        label = CASE_FIELDS[name]
        if value is not None and value > today:
            raise ValidationError(f"{label}不能晚于今天")
        if value is not None and name in new and value < today - EARLIEST_NEW_DATE:
            raise ValidationError(f"{label}早于一年前，请核对")
    if onset_date and onset_date > report_date:
        raise ValidationError("发病日期不能晚于报告日期")
    if onset_date and confirmed_date and confirmed_date < onset_date:
        raise ValidationError("确诊日期不能早于发病日期")
    if classification == Case.Classification.CONFIRMED and confirmed_date is None:
        raise ValidationError("确诊病例请填写确诊日期")


@dataclass(frozen=True)
class NewPerson:
    """A person not yet in the ledger, found by investigation, to be created with the
    case or contact (in the same transaction)."""

    area: Area
    name: str
    doc_type: str
    doc_number: str
    phone: str = ""


def _resolve_person(person: Person | NewPerson, *, by: Any, request: HttpRequest | None) -> Person:
    if isinstance(person, Person):
        return person
    return new_person(draft=person, by=by, request=request)


def new_person(*, draft: NewPerson, by: Any, request: HttpRequest | None = None) -> Person:
    """Add a ledger person from a draft, through the people app. Refuses a document
    already in the ledger: the existing person is to be chosen instead."""
    try:
        number = validate_document(draft.doc_type, draft.doc_number)
    except DocumentError as exc:
        raise ValidationError(str(exc)) from exc
    if Person.objects.with_document(number).exists():
        raise ValidationError(
            "该证件号码已在人员台账中，请通过搜索选择该人员（不在本辖区的请联系指挥部）"
        )
    try:
        return people_actions.create_person(
            area=draft.area,
            name=draft.name,
            doc_type=draft.doc_type,
            doc_number=number,
            phone=draft.phone,
            note="流调新增人员",
            by=by,
            request=request,
        )
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc


@transaction.atomic
def create_case(
    *,
    person: Person | NewPerson,
    classification: str,
    report_date: date,
    onset_date: date | None = None,
    confirmed_date: date | None = None,
    treated_at: str = "",
    notes: str = "",
    by: Any,
    request: HttpRequest | None = None,
) -> Case:
    if classification not in Case.Classification.values:
        raise ValidationError("请选择病例分类")
    _check_case_dates(
        classification=classification,
        onset_date=onset_date,
        report_date=report_date,
        confirmed_date=confirmed_date,
    )
    person = _resolve_person(person, by=by, request=request)
    if Case.objects.filter(person=person).exists():
        raise ValidationError("该人员已有病例记录，请在原记录上修改分类")
    try:
        with transaction.atomic():
            case = Case.objects.create(
                person=person,
                area=person.area,
                classification=classification,
                onset_date=onset_date,
                report_date=report_date,
                confirmed_date=confirmed_date,
                treated_at=treated_at.strip(),
                notes=notes.strip(),
                reported_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError("该人员已有病例记录，请在原记录上修改分类") from exc
    CaseEvent.objects.create(case=case, by=by, to_classification=classification, reason="登记")
    audit.record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=by,
        obj=case,
        detail=f"登记病例：{case.get_classification_display()}",
    )
    return case


@transaction.atomic
def change_case(
    *,
    case: Case,
    reason: str,
    by: Any,
    request: HttpRequest | None = None,
    **fields: Any,
) -> CaseEvent:
    """Change a case's classification and/or details; one history row with the reason."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写变更原因")
    new_class = fields.pop("classification", case.classification)
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise ValueError(f"unknown case fields: {sorted(unknown)}")
    if not case.can_become(new_class):
        raise ValidationError(
            f"病例不能从“{case.get_classification_display()}”改为"
            f"“{Case.Classification(new_class).label}”"
        )
    changes = {}
    changed = set()
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(case, name) != value:
            changes[CASE_FIELDS[name]] = [_fmt(getattr(case, name)), _fmt(value)]
            changed.add(name)
            setattr(case, name, value)
    if new_class == case.classification and not changes:
        raise ValidationError("没有修改任何内容")
    # Confirmed now with no date typed: confirmed today. A case confirmed already keeps
    # the date rule (its date cleared is refused, not silently replaced by today).
    becomes_confirmed = case.classification != Case.Classification.CONFIRMED
    if new_class == Case.Classification.CONFIRMED and becomes_confirmed and not case.confirmed_date:
        label = CASE_FIELDS["confirmed_date"]
        case.confirmed_date = timezone.localdate()
        changes[label] = [changes.get(label, ["—"])[0], _fmt(case.confirmed_date)]
        changed.add("confirmed_date")
    _check_case_dates(
        classification=new_class,
        onset_date=case.onset_date,
        report_date=case.report_date,
        confirmed_date=case.confirmed_date,
        new=frozenset(changed),
    )
    old_class = case.classification
    case.classification = new_class
    case.save(update_fields=["classification", *CASE_FIELDS, "updated_at"])
    event = CaseEvent.objects.create(
        case=case,
        by=by,
        from_classification=old_class,
        to_classification=new_class,
        changes=changes,
        reason=reason,
    )
    summary = [f"{k}：{a} → {b}" for k, (a, b) in changes.items()]
    if old_class != new_class:
        labels = Case.Classification(old_class).label, Case.Classification(new_class).label
        summary.insert(0, "分类：{} → {}".format(*labels))
    audit.record(
        action=AuditEvent.Action.STATUS if old_class != new_class else AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=case,
        detail="；".join(summary) + f"；原因：{reason}",
    )
    return event


@transaction.atomic
def add_contact(
    *,
    case: Case,
    person: Person | NewPerson,
    kind: str,
    last_contact_date: date,
    via: Contact | None = None,
    notes: str = "",
    source: str = Contact.Source.MANUAL,
    trace: Trace | None = None,
    by: Any,
    request: HttpRequest | None = None,
) -> tuple[Contact, bool]:
    """Record a close contact of ``case`` (or, with ``via``, a secondary contact met by
    that close contact). Adding a person twice keeps one row: the closer degree and the
    later last contact date win. Returns (contact, created)."""
    if kind not in Contact.Kind.values:
        raise ValidationError("请选择接触方式")
    person = _resolve_person(person, by=by, request=request)
    if person.pk == case.person_id:
        raise ValidationError("不能把病例本人登记为其密接")
    if last_contact_date > timezone.localdate():
        raise ValidationError("末次接触日期不能晚于今天")
    if last_contact_date < timezone.localdate() - EARLIEST_NEW_DATE:
        # An observation counted from it would end before it began (a 解除告知书
        # counting some 739,000 days for a typed year 1).
        raise ValidationError("末次接触日期早于一年前，请核对")
    if last_contact_date < case.infectious_from():
        # Not a contact of this case: an observation counted from that date would have
        # ended, or be about to, with no exposure in it.
        raise ValidationError(
            f"{person.name}的末次接触日期 {last_contact_date} 早于病例可传染期起点 "
            f"{case.infectious_from()}（发病或报告前{INFECTIOUS_LEAD_DAYS}天），不属于密接；"
            "如病例发病日期有误，请先修改病例"
        )
    if via is not None:
        if via.case_id != case.pk or via.degree != Contact.Degree.CLOSE:
            raise ValidationError("次密接只能经由本病例的密切接触者登记")
        if via.person_id == person.pk:
            raise ValidationError("不能把密接本人登记为其次密接")
    degree = Contact.Degree.SECONDARY if via is not None else Contact.Degree.CLOSE
    existing = Contact.objects.select_for_update().filter(case=case, person=person).first()
    if existing is not None:
        fields = []
        if last_contact_date > existing.last_contact_date:
            existing.last_contact_date = last_contact_date
            fields.append("last_contact_date")
        if degree < existing.degree:
            existing.degree, existing.via, existing.kind = degree, None, kind
            fields += ["degree", "via", "kind"]
        if fields:
            existing.save(update_fields=[*fields, "updated_at"])
            audit.record(
                action=AuditEvent.Action.UPDATE,
                request=request,
                user=by,
                obj=existing,
                detail=f"再次登记：{existing.get_degree_display()}，"
                f"末次接触 {existing.last_contact_date}",
            )
            if existing.key_person_id is not None and existing.key_person.is_active:
                _cover_exposure(existing.key_person, contact=existing, by=by)
        return existing, False
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                case=case,
                via=via,
                person=person,
                area=person.area,
                kind=kind,
                degree=degree,
                source=source,
                last_contact_date=last_contact_date,
                notes=notes.strip()[:200],
                trace=trace,
                added_by=by,
            )
    except IntegrityError:  # the same person added at the same moment by someone else
        return Contact.objects.get(case=case, person=person), False
    audit.record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=by,
        obj=contact,
        detail=f"病例{case.pk}的{contact.get_degree_display()}（{contact.get_kind_display()}），"
        f"末次接触 {last_contact_date}",
    )
    return contact, True


def _category(name: str) -> Category:
    category, _ = Category.objects.get_or_create(
        name=name, defaults={"default_days": OBSERVATION_DAYS}
    )
    return category


def _observation_category_name(contact: Contact) -> str:
    if contact.degree == Contact.Degree.CLOSE:
        return CLOSE_CONTACT_CATEGORY
    return SECONDARY_CONTACT_CATEGORY


def observation_end(contact: Contact) -> date:
    """The planned end ``observe_contact`` gives a contact: the last contact date plus
    the category's days (editable by HQ; ``OBSERVATION_DAYS`` before it exists)."""
    category = Category.objects.filter(name=_observation_category_name(contact)).first()
    days = category.default_days if category is not None else OBSERVATION_DAYS
    return contact.last_contact_date + timedelta(days=days)


def _cover_exposure(key_person: KeyPerson, *, contact: Contact, by: Any) -> KeyPerson:
    """Extend a running observation that would end before the contact's own period (a
    person observed for another reason, or a later contact found with the same case)."""
    end = observation_end(contact)
    if key_person.planned_end >= end:
        return key_person
    return extend_observation(
        key_person=key_person,
        new_end=end,
        reason=KeyPerson.ExtensionReason.ORDERED,
        note=f"新的暴露：病例 {contact.case.person.name} 的"
        f"{contact.get_degree_display()}，末次接触 {contact.last_contact_date}",
        by=by,
    )


@transaction.atomic
def observe_contact(
    *,
    contact: Contact,
    measure: str,
    by: Any,
    request: HttpRequest | None = None,
) -> KeyPerson:
    """Put a contact under observation: a key person (密切接触者 / 次密切接触者) whose
    period runs from the last contact date. A person already under observation keeps
    their record; the contact is linked to it."""
    if measure not in KeyPerson.Measure.values:
        raise ValidationError("请选择管控措施")
    contact = Contact.objects.select_for_update().select_related("person").get(pk=contact.pk)
    if contact.key_person_id is not None:
        return contact.key_person
    person = contact.person
    existing = active_key_person(person)
    if existing is not None:
        existing = _cover_exposure(existing, contact=contact, by=by)
        contact.key_person = existing
        contact.save(update_fields=["key_person", "updated_at"])
        audit.record(
            action=AuditEvent.Action.UPDATE,
            request=request,
            user=by,
            obj=contact,
            detail=f"已在管控中（{existing.category.name}，至 {existing.planned_end}），已关联",
        )
        return existing
    category = _category(_observation_category_name(contact))
    # Through the watch app: its grid worker is named and its history starts here.
    key_person = register_key_person(
        person=person,
        category=category,
        source=KeyPerson.Source.SCREENING
        if contact.source == Contact.Source.TRACING
        else KeyPerson.Source.ASSIGNED,
        measure=measure,
        start_date=contact.last_contact_date,
        notes=f"病例 {contact.case.person.name} 的{contact.get_degree_display()}"
        f"（{contact.get_kind_display()}），末次接触 {contact.last_contact_date}",
        by=by,
    )
    contact.key_person = key_person
    contact.save(update_fields=["key_person", "updated_at"])
    audit.record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=contact,
        detail=f"由密接转为重点人员：{category.name}，{key_person.get_measure_display()}，"
        f"{key_person.start_date} 至 {key_person.planned_end}",
    )
    return key_person


@transaction.atomic
def mark_key_area(
    *,
    area: Area,
    level: str,
    reason: str,
    start_date: date,
    end_date: date | None = None,
    case: Case | None = None,
    by: Any,
    request: HttpRequest | None = None,
) -> KeyArea:
    if area.kind not in (Area.Kind.COMPOUND, Area.Kind.BUILDING):
        raise ValidationError("重点区域只能是小区或楼栋")
    if level not in KeyArea.Level.values:
        raise ValidationError("请选择管控级别")
    if not reason.strip():
        raise ValidationError("请填写标记原因")
    today = timezone.localdate()
    # A mistyped year would count a miss for every day since (year 1), or hold the
    # area until a far day when it could first be lifted (a mark not started cannot be).
    if start_date < today - EARLIEST_NEW_DATE:
        raise ValidationError("开始日期早于一年前，请核对")
    if start_date > today + timedelta(days=LATEST_KEY_AREA_START_DAYS):
        raise ValidationError(f"开始日期不能晚于{LATEST_KEY_AREA_START_DAYS}天后，请核对")
    if end_date is not None and end_date <= start_date:
        raise ValidationError("解除日期应晚于开始日期")
    # Two marks of one place at once (a double click) would both find no clash: the
    # place and its ancestors are locked first, in one order.
    prefixes = [area.path[:i] for i in range(SEGMENT, len(area.path) + 1, SEGMENT)]
    list(Area.objects.select_for_update().filter(path__in=prefixes).order_by("path"))
    overlapping = (
        KeyArea.objects.containing(area)
        .exclude(end_date__lte=start_date)
        .exclude(end_date__lte=F("start_date"))  # lifted before it started
    )
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lt=end_date)
    clash = overlapping.select_related("area").first()
    if clash is not None:
        raise ValidationError(
            f"该区域在此期间已是重点区域（{clash.area.name}，自 {clash.start_date}）"
        )
    key_area = KeyArea.objects.create(
        area=area,
        case=case,
        level=level,
        reason=reason.strip(),
        start_date=start_date,
        end_date=end_date,
        marked_by=by,
    )
    audit.record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=by,
        obj=key_area,
        detail=f"标记重点区域：{key_area.get_level_display()}，自 {start_date}"
        + (f" 至 {end_date}" if end_date else "")
        + f"；{key_area.reason}",
    )
    return key_area


@transaction.atomic
def lift_key_area(
    *, key_area: KeyArea, by: Any, reason: str, request: HttpRequest | None = None
) -> KeyArea:
    today = timezone.localdate()
    if not key_area.can_lift(today):
        raise ValidationError("该重点区域已解除")
    if not reason.strip():
        raise ValidationError("请填写解除原因")
    # Out of force from today; one not started yet is never in force.
    key_area.end_date = max(today, key_area.start_date)
    key_area.lifted_by = by
    key_area.lifted_at = timezone.now()
    key_area.save(update_fields=["end_date", "lifted_by", "lifted_at", "updated_at"])
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=key_area,
        detail=f"解除重点区域，解除日期 {key_area.end_date}；{reason.strip()}",
    )
    return key_area


def _visit_client_id(client_id: str | uuid.UUID) -> uuid.UUID:
    try:
        return uuid.UUID(str(client_id))
    except ValueError as exc:
        raise ValidationError("缺少或无效的提交编号，请刷新页面后重试") from exc


def _replayed_visit(client_id: uuid.UUID, household: Household) -> HouseholdVisit | None:
    """The visit a tap with ``client_id`` already stored (its own row, its finding's)."""
    replayed = (
        HouseholdVisit.objects.filter(client_id=client_id).first()
        or HouseholdVisit.objects.filter(findings__client_id=client_id).first()
    )
    if replayed is not None and replayed.household_id != household.pk:
        raise ValidationError("提交编号冲突，请刷新页面后重试")
    return replayed


def _visit_key_area(*, household: Household, day: date, method: str) -> KeyArea:
    """The key area that puts ``household`` on ``day``'s visit list; refused otherwise."""
    key_area = key_area_for(household.area, day)
    if key_area is None:
        raise ValidationError("该户不在管控中的重点区域，无需住户随访")
    if not Person.objects.current().filter(household=household).exists():
        raise ValidationError("台账中该户已没有现住人员，无需随访，请刷新页面")
    if method not in HouseholdVisit.Method.values:
        raise ValidationError("请选择随访方式")
    return key_area


@transaction.atomic
def record_household_visit(
    *,
    household: Household,
    client_id: str | uuid.UUID,
    method: str,
    by: Any,
    person: Person | None = None,
    temperature: Decimal | None = None,
    symptoms: Iterable[str] = (),
    note: str = "",
    now: datetime | None = None,
) -> tuple[HouseholdVisit, bool]:
    """Record today's follow-up of an inhabited household in a key area in force.
    Returns (visit, stored). One visit per household and day: a second "全户正常", or
    the same ``client_id`` sent again, stores nothing and returns the visit there. An
    attempt that found nobody earlier that day (联系不上) becomes this visit, keeping
    its time. A member with fever or symptoms is named (``person``, a current resident
    of the household) as a ``HouseholdFinding`` of the day's visit — made now if there
    is none — and raises an alert to the community and HQ; each unwell member once a
    day."""
    now = now or timezone.now()
    client_id = _visit_client_id(client_id)
    replayed = _replayed_visit(client_id, household)
    if replayed is not None:
        return replayed, False
    day = timezone.localdate(now)
    key_area = _visit_key_area(household=household, day=day, method=method)
    symptoms = list(dict.fromkeys(s for s in symptoms if s))
    if set(symptoms) - set(FollowUp.Symptom.values):
        raise ValidationError("症状选项不正确")
    if person is None and (temperature is not None or symptoms):
        raise ValidationError("请选择体温或症状异常的家庭成员")
    if person is not None:
        if person.household_id != household.pk or person.moved_out:
            raise ValidationError("所选人员不是该户的现住人员，请刷新页面")
        if not symptoms and (temperature is None or temperature < FEVER_FROM):
            raise ValidationError("所选人员体温正常且无症状：全户正常请直接点“全户正常”")
    recorded_by = by if by is not None and by.pk else None
    note = note.strip()[:200]
    visit, stored = _visit_of_the_day(
        household=household,
        day=day,
        defaults={
            "key_area": key_area,
            "method": method,
            "abnormal": person is not None,
            "note": "" if person is not None else note,
            "client_id": client_id,
            "recorded_by": recorded_by,
            "recorded_at": now,
        },
    )
    if not visit.reached:
        visit.reached = True
        visit.method = method
        visit.note = "" if person is not None else note
        visit.client_id = client_id
        visit.recorded_by = recorded_by
        visit.recorded_at = now
        visit.save(
            update_fields=["reached", "method", "note", "client_id", "recorded_by", "recorded_at"]
        )
        stored = True
    if person is None or visit.findings.filter(person=person).exists():
        return visit, stored
    finding = HouseholdFinding.objects.create(
        visit=visit,
        person=person,
        temperature=temperature,
        symptoms=",".join(symptoms),
        note=note,
        client_id=client_id,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    if not visit.abnormal:
        visit.abnormal = True
        visit.save(update_fields=["abnormal"])
    _alert_household_finding(finding)
    return visit, True


@transaction.atomic
def record_household_unreached(
    *,
    household: Household,
    client_id: str | uuid.UUID,
    method: str,
    by: Any,
    note: str = "",
    now: datetime | None = None,
) -> tuple[HouseholdVisit, bool]:
    """Record today's attempt to follow up a household that found nobody: a knock no
    one answered, a call never picked up (联系不上). Returns (visit, stored). The
    household counts as 未联系上 — neither visited nor missed — and stays on the day's
    list for a visit later (``record_household_visit`` then turns the attempt into
    the visit). Nothing is stored over a visit or an attempt of the same day, nor for
    the same ``client_id`` again. A household not reached the day before either
    raises an alert to its community and HQ, once per household and day."""
    now = now or timezone.now()
    client_id = _visit_client_id(client_id)
    replayed = _replayed_visit(client_id, household)
    if replayed is not None:
        return replayed, False
    day = timezone.localdate(now)
    key_area = _visit_key_area(household=household, day=day, method=method)
    visit, stored = _visit_of_the_day(
        household=household,
        day=day,
        defaults={
            "key_area": key_area,
            "method": method,
            "reached": False,
            "unreached_at": now,
            "note": note.strip()[:200],
            "client_id": client_id,
            "recorded_by": by if by is not None and by.pk else None,
            "recorded_at": now,
        },
    )
    if stored:
        before = HouseholdVisit.objects.filter(household=household, day=day - timedelta(days=1))
        previous = before.unreached().first()
        if previous is not None:
            _alert_household_unreached(
                previous=previous,
                second_day=_attempt_line(visit),
                note=visit.note,
                source=visit,
                at=visit.unreached_at,
            )
    return visit, stored


def record_second_days_unreached(*, today: date | None = None, days: int = 2) -> int:
    """The ``cases_unreached`` job. A household an attempt found nobody at (联系不上) one
    day, and that nobody visited nor tried the next day, is not reached two days running,
    as one tried twice in vain: once that next day is over, record it
    (``SecondDayUnreached``) and raise the same alert. Looks at the ``days`` finished
    days before ``today``, and only at households still due a visit on them. Returns how
    many were recorded; a second run finds them recorded and adds nothing."""
    today = today or timezone.localdate()
    now = timezone.now()
    created = 0
    for day in (today - timedelta(days=n) for n in range(days, 0, -1)):
        same_day = Q(household=OuterRef("household"), day=day)
        attempts = (
            HouseholdVisit.objects.unreached()
            .on(day - timedelta(days=1))
            .filter(household__in=households_to_visit(day))
            .exclude(Exists(HouseholdVisit.objects.filter(same_day)))
            .exclude(Exists(SecondDayUnreached.objects.filter(same_day)))
            .select_related("household__area__parent")
            .order_by("pk")
        )
        end_of_day = timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))
        for attempt in attempts:
            with transaction.atomic():
                lapse, is_new = SecondDayUnreached.objects.get_or_create(
                    household=attempt.household,
                    day=day,
                    defaults={"attempt": attempt, "detected_at": now},
                )
                _alert_household_unreached(
                    previous=attempt,
                    second_day=f"{day:%m月%d日} 全天无随访记录",
                    source=lapse,
                    at=end_of_day,
                )
            created += is_new
    return created


def _visit_of_the_day(
    *, household: Household, day: date, defaults: dict[str, Any]
) -> tuple[HouseholdVisit, bool]:
    """The household's visit of ``day``, locked, made from ``defaults`` if none."""
    same_day = HouseholdVisit.objects.select_for_update().filter(household=household, day=day)
    visit = same_day.first()
    if visit is not None:
        return visit, False
    try:
        with transaction.atomic():
            return HouseholdVisit.objects.create(household=household, day=day, **defaults), True
    except IntegrityError:  # the same household recorded at the same moment elsewhere
        return same_day.get(), False


def _alert_household_finding(finding: HouseholdFinding) -> None:
    """Raise the alert of a member found unwell (name masked)."""
    visit, person, temperature = finding.visit, finding.person, finding.temperature
    area = visit.household.area
    what = f"体温{temperature}℃" if finding.fever else "有症状"
    details = [f"体温 {temperature}℃"] if temperature is not None else []
    if finding.symptoms:
        details.append("症状：" + "、".join(finding.symptom_labels))
    details.append(f"方式：{visit.get_method_display()}")
    if finding.note:
        details.append(f"说明：{finding.note}")
    raise_alert(
        area=area,
        kind=Alert.Kind.FEVER if finding.fever else Alert.Kind.SYMPTOM,
        title=f"重点区域住户异常：{masked_name(person.name)}{what}（{place(area)}）",
        detail="；".join(details),
        person=person,
        source=finding,
        at=finding.recorded_at,
    )


def _attempt_line(visit: HouseholdVisit) -> str:
    return (
        f"{visit.day:%m月%d日} {timezone.localtime(visit.unreached_at):%H:%M}"
        f"{visit.get_method_display()}未联系上"
    )


def _alert_household_unreached(
    *,
    previous: HouseholdVisit,
    second_day: str,
    source: HouseholdVisit | SecondDayUnreached,
    at: datetime,
    note: str = "",
) -> None:
    """Raise the alert of a household not reached two days running (names masked):
    ``previous`` is the first day's attempt, ``second_day`` says what the next day was."""
    household = previous.household
    residents = Person.objects.current().filter(household=household).order_by("pk")
    names = "、".join(masked_name(p.name) for p in residents[:5])
    details = [_attempt_line(previous), second_day]
    if names:
        details.append(f"现住人员：{names}")
    if note:
        details.append(f"说明：{note}")
    raise_alert(
        area=household.area,
        kind=Alert.Kind.OVERDUE,
        title=f"重点区域住户连续两天未联系上：{place(household.area)}{household.door}",
        detail="；".join(details),
        source=source,
        at=at,
    )


def _check_trace_request(*, purpose: str, start: datetime, end: datetime, window: int) -> None:
    if len(purpose.strip()) < 4:
        raise ValidationError("请填写查询目的（至少4个字），该查询将记入审计日志")
    if end <= start:
        raise ValidationError("结束时间应晚于开始时间")
    if end - start > timedelta(days=MAX_TRACE_DAYS):
        raise ValidationError(f"查询时段不能超过{MAX_TRACE_DAYS}天（卡点记录保存期限）")
    if not 1 <= window <= MAX_WINDOW_MINUTES:
        raise ValidationError(f"前后时间窗应为1到{MAX_WINDOW_MINUTES}分钟")
    try:  # the search reaches a window beyond each end, in UTC
        (start - timedelta(minutes=window)).astimezone(UTC)
        (end + timedelta(minutes=window)).astimezone(UTC)
    except OverflowError as exc:  # year 1 or 9999
        raise ValidationError("查询时段超出可查询的日期范围，请核对日期") from exc


def _store_hits(trace: Trace, hits: list[presence.Hit], *, names: dict[int, str]) -> int:
    """Save the hits the requester may see; return how many persons were left out
    (outside their jurisdiction, check-ins not matched to the ledger, or met through
    a person left out)."""
    ids = {h.person_id for h in hits}
    visible = set(
        Person.objects.visible_to(trace.requested_by)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    stored = {h.person_id: h for h in TraceHit.objects.filter(trace=trace).only("pk", "person_id")}
    rows = []
    for hit in hits:
        via = stored.get(hit.via) if hit.via else None
        if hit.person_id not in visible or hit.person_id in stored or (hit.via and via is None):
            continue
        rows.append(
            TraceHit(
                trace=trace,
                person_id=hit.person_id,
                hop=hit.hop,
                via=via,
                encounters=[
                    {
                        "checkpoint_id": e.checkpoint_id,
                        "checkpoint": names.get(e.checkpoint_id, ""),
                        "at": e.at.isoformat(),
                        "met_at": e.met_at.isoformat(),
                    }
                    for e in hit.encounters
                ],
                first_at=hit.first_at,
                last_at=hit.last_at,
                closest_seconds=hit.closest_seconds,
            )
        )
    TraceHit.objects.bulk_create(rows)
    return len(ids) - len(rows)


def _store_first_hop(
    trace: Trace, query: presence.FirstHopQuery, *, by: Any, database: str
) -> tuple[int, int]:
    """Store the closest ``MAX_STORED_HITS`` hop-1 persons the requester may see,
    straight from the search (``INSERT … SELECT``: no hit becomes a Python object);
    return (persons found, persons in the jurisdiction). The presence table must live
    in the database of the cases tables."""
    # Correlated, so that each hit is one index lookup (SQLite would otherwise build
    # the whole jurisdiction's list of persons first); skipped when every person in the
    # ledger is the requester's (an HQ admin: thousands of lookups saved).
    visible = Person.objects.visible_to(by).filter(pk=RawSQL("hits.person_id", ()))
    if Person.objects.all_visible_to(by):
        visible_sql, visible_params = "SELECT 1", ()
    elif visible.query.is_empty():
        visible_sql, visible_params = "SELECT 1 WHERE 1 = 0", ()
    else:
        visible_sql, visible_params = visible.order_by().values("pk").query.sql_with_params()
    ranked = (
        f"visible AS (SELECT * FROM hits WHERE EXISTS ({visible_sql})),"  # noqa: S608
        " top AS (SELECT * FROM visible ORDER BY closest_seconds, person_id LIMIT %s)"
    )
    insert = (
        f"INSERT INTO {TraceHit._meta.db_table}"  # noqa: S608 - values are bound
        " (trace_id, person_id, hop, encounters, first_at, last_at, closest_seconds)"
        " SELECT %s, person_id, 1, encounters, first_at, last_at, closest_seconds"
        f" FROM ({query.hit_rows('SELECT person_id FROM top')}) x"
        " ORDER BY closest_seconds, person_id"
    )
    counts = " SELECT (SELECT count(*) FROM hits), (SELECT count(*) FROM visible)"
    params = [*query.params, *visible_params, MAX_STORED_HITS]
    with connections[database].cursor() as cursor:
        if cursor.db.vendor == "postgresql":
            # One statement: the search runs once for the hits and both counts.
            cursor.execute(
                f"{query.sql}, {ranked}, stored AS ({insert}){counts}", [*params, trace.pk]
            )
        else:
            cursor.execute(f"{query.sql}, {ranked} {insert}", [*params, trace.pk])
            cursor.execute(f"{query.sql}, {ranked}{counts}", params)
        found, visible_count = cursor.fetchone()
    return found, visible_count


@transaction.atomic
def run_trace(
    *,
    case: Case,
    start: datetime,
    end: datetime,
    window_minutes: int,
    purpose: str,
    by: Any,
    request: HttpRequest | None = None,
) -> Trace:
    """One hop of presence tracing for a case, stored and audited with its purpose."""
    _check_trace_request(purpose=purpose, start=start, end=end, window=window_minutes)
    try:
        source = presence.require_source()
    except presence.PresenceUnavailable as exc:
        raise ValidationError(str(exc)) from exc
    passes = presence.passes_of([case.person_id], start=start, end=end, source=source)
    own = passes.get(case.person_id, [])
    names = presence.checkpoint_names({p.checkpoint_id for p in own}, source)
    trace = Trace.objects.create(
        case=case,
        requested_by=by,
        purpose=purpose.strip(),
        start=start,
        end=end,
        window_minutes=window_minutes,
        passes=[
            {
                "checkpoint_id": p.checkpoint_id,
                "checkpoint": names[p.checkpoint_id],
                "at": p.at.isoformat(),
            }
            for p in own
        ],
    )
    found = 0
    if own:
        try:
            query = presence.first_hop_query(
                case.person_id,
                own,
                window=timedelta(minutes=window_minutes),
                source=source,
                labels=names,
            )
        except presence.TooManyPasses as exc:
            raise ValidationError(str(exc)) from exc
        found, trace.hop1_count = _store_first_hop(trace, query, by=by, database=source.database)
        trace.outside_count = found - trace.hop1_count
        trace.save(update_fields=["hop1_count", "outside_count"])
    local = timezone.localtime
    audit.record(
        action=AuditEvent.Action.TRACE,
        request=request,
        user=by,
        obj=case,
        detail=f"目的：{trace.purpose}；时段 {local(start):%Y-%m-%d %H:%M} 至 "
        f"{local(end):%Y-%m-%d %H:%M}，前后 {window_minutes} 分钟；"
        f"经过卡点 {len(own)} 次，"
        f"同时段人员 {found} 人（辖区外或未登记 {trace.outside_count} 人）",
    )
    return trace


@transaction.atomic
def request_second_hop(*, trace: Trace, by: Any, request: HttpRequest | None = None) -> Trace:
    """Queue hop 2 (who crossed the paths of the hop-1 persons) as a background task."""
    from .tasks import trace_second_hop

    trace = Trace.objects.select_for_update().get(pk=trace.pk)
    if trace.second_hop in (Trace.Status.QUEUED, Trace.Status.RUNNING, Trace.Status.DONE):
        raise ValidationError("第二跳追踪已在进行或已完成")
    sources = trace.hop1_count
    if sources == 0:
        raise ValidationError("第一跳没有找到人员，无需追踪第二跳")
    if sources > MAX_SECOND_HOP_SOURCES:
        raise ValidationError(
            f"第一跳人员过多（{sources} 人），第二跳将覆盖大部分居民；"
            f"请缩小时段或时间窗重新追踪（第一跳不超过 {MAX_SECOND_HOP_SOURCES} 人）"
        )
    trace.second_hop = Trace.Status.QUEUED
    trace.second_hop_error = ""
    trace.save(update_fields=["second_hop", "second_hop_error"])
    audit.record(
        action=AuditEvent.Action.TRACE,
        request=request,
        user=by,
        obj=trace.case,
        detail=f"请求第二跳追踪（追踪 {trace.pk}）；目的：{trace.purpose}",
    )
    transaction.on_commit(lambda: trace_second_hop.enqueue(trace.pk))
    return trace


def run_second_hop(*, trace: Trace) -> Trace:
    """The background task's body: hop 2 from the stored hop-1 hits."""
    claimed = Trace.objects.filter(pk=trace.pk, second_hop=Trace.Status.QUEUED).update(
        second_hop=Trace.Status.RUNNING
    )
    if not claimed:
        return trace
    try:
        source = presence.require_source()
        first = [
            presence.Hit(
                person_id=h.person_id,
                hop=1,
                encounters=[
                    presence.Encounter(
                        e["checkpoint_id"],
                        datetime.fromisoformat(e["at"]),
                        datetime.fromisoformat(e["met_at"]),
                    )
                    for e in h.encounters
                ],
            )
            for h in TraceHit.objects.filter(trace=trace, hop=1)
        ]
        hits = presence.next_hop(
            first,
            end=trace.end,
            window_minutes=trace.window_minutes,
            exclude={trace.case.person_id},
            source=source,
        )
        names = presence.checkpoint_names(
            {e.checkpoint_id for h in hits for e in h.encounters}, source
        )
        with transaction.atomic():
            outside = _store_hits(trace, hits, names=names)
            Trace.objects.filter(pk=trace.pk).update(
                second_hop=Trace.Status.DONE,
                second_hop_finished_at=timezone.now(),
                outside_count=trace.outside_count + outside,
            )
    except Exception as exc:
        Trace.objects.filter(pk=trace.pk).update(
            second_hop=Trace.Status.FAILED,
            second_hop_error=str(exc)[:200],
            second_hop_finished_at=timezone.now(),
        )
        raise
    trace.refresh_from_db()
    return trace


@transaction.atomic
def contacts_from_trace(
    *,
    trace: Trace,
    hits: list[TraceHit],
    observe: bool,
    measure: str = KeyPerson.Measure.CENTRAL,
    by: Any,
    request: HttpRequest | None = None,
) -> list[Contact]:
    """Turn chosen trace hits into contacts of the case (hop 1: 密接, hop 2: 次密接 via
    the hop-1 person's contact), each with kind 同一卡点时段 and the local date of the
    last encounter; with ``observe`` also put them under observation."""
    if not hits:
        raise ValidationError("请至少选择一人")
    if any(h.trace_id != trace.pk for h in hits):
        raise ValidationError("所选人员不属于本次追踪")
    case = trace.case
    contacts: dict[int, Contact] = {}
    hop1 = {h.pk: h for h in TraceHit.objects.filter(trace=trace, hop=1)}
    for hit in sorted(hits, key=lambda h: h.hop):
        via = None
        if hit.hop == 2:
            parent = hop1[hit.via_id]
            if parent.contact_id is None:
                parent_contact, _ = _contact_for_hit(
                    parent, case=case, trace=trace, by=by, request=request
                )
                parent.contact = parent_contact
            via = parent.contact
            if via.degree != Contact.Degree.CLOSE:
                continue  # the hop-1 person is a secondary contact already: stop there
        contact, _ = _contact_for_hit(hit, case=case, trace=trace, via=via, by=by, request=request)
        contacts[contact.pk] = contact
        if hit.hop == 1:
            hop1[hit.pk].contact = contact
    if observe:
        for contact in contacts.values():
            observe_contact(contact=contact, measure=measure, by=by, request=request)
    audit.record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=by,
        obj=case,
        detail=f"由轨迹追踪 {trace.pk} 登记密接 {len(contacts)} 人"
        + ("并纳入管控" if observe else ""),
    )
    return list(contacts.values())


def _contact_for_hit(
    hit: TraceHit,
    *,
    case: Case,
    trace: Trace,
    by: Any,
    via: Contact | None = None,
    request: HttpRequest | None = None,
) -> tuple[Contact, bool]:
    contact, created = add_contact(
        case=case,
        person=hit.person,
        kind=Contact.Kind.CHECKPOINT,
        last_contact_date=timezone.localdate(hit.last_at),
        via=via,
        notes=f"轨迹追踪：{len(hit.encounters)} 次同时段经过卡点",
        source=Contact.Source.TRACING,
        trace=trace,
        by=by,
        request=request,
    )
    TraceHit.objects.filter(pk=hit.pk).update(contact=contact)
    return contact, created
