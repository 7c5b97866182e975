"""Cases (病例): creating and changing them, with the ledger person found or added
by investigation. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.people import actions as people_actions
from shouwang.people.documents import DocumentError, validate_document
from shouwang.people.models import Person
from shouwang.watch import actions as watch_actions
from shouwang.watch.models import KeyPerson

from ..models import (
    Case,
    CaseEvent,
    TreatmentInstitution,
)

# Field labels for the history of a case (classification is recorded on its own).
CASE_FIELDS = {
    "onset_date": "发病日期",
    "report_date": "报告日期",
    "confirmed_date": "确诊日期",
    "institution": "收治机构",
    "notes": "备注",
}


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return value.isoformat() if isinstance(value, date) else str(value)


# A date typed now more than this far back is a typing error (the year 0202, 0001):
# it would also put the start of tracing (two days earlier) before the calendar.
EARLIEST_NEW_DATE = timedelta(days=365)


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
        raise ValidationError({"confirmed_date": "确诊病例请填写确诊日期"})
    # A date typed now only: one mistyped before stays until it is cleared.
    suspected = classification == Case.Classification.SUSPECTED
    if suspected and confirmed_date is not None and "confirmed_date" in new:
        raise ValidationError(
            "疑似病例尚未确诊，请清空确诊日期；确诊时请将分类改为确诊并填写确诊日期"
        )


def _check_institution(institution: TreatmentInstitution | None, *, was: Any = None) -> None:
    """A case is sent to an institution of the list in use; one it is at already may
    stay there after the institution is taken off the list."""
    if institution is not None and not institution.active and institution != was:
        raise ValidationError(f"收治机构“{institution.name}”已停用，请选择其他机构")


def _end_contact_observation(case: Case, *, by: Any) -> None:
    """A person under observation (as a contact, a returnee, for a fever …) who is now
    an infected case is cared for as a case: their record stops owing follow-ups
    (转医院, 疑似/确诊病例转运)."""
    if case.classification not in Case.INFECTED:
        return
    records = KeyPerson.objects.filter(person=case.person_id, status=KeyPerson.Status.ACTIVE)
    for record in records:
        watch_actions.change_status(
            key_person=record,
            status=KeyPerson.Status.HOSPITAL,
            reason=KeyPerson.Reason.CASE_TRANSFER,
            note=f"本人已{case.get_classification_display()}，按病例管理",
            by=by,
        )


@dataclass(frozen=True)
class NewPerson:
    """A person not yet in the ledger, found by investigation, to be created with the
    case or contact (in the same transaction)."""

    area: Area
    name: str
    doc_type: str
    doc_number: str
    phone: str = ""


def resolve_person(person: Person | NewPerson, *, by: Any, request: HttpRequest | None) -> Person:
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
    institution: TreatmentInstitution | None = None,
    notes: str = "",
    by: Any,
    request: HttpRequest | None = None,
) -> Case:
    if classification not in Case.Classification.values:
        raise ValidationError("请选择病例分类")
    _check_institution(institution)
    _check_case_dates(
        classification=classification,
        onset_date=onset_date,
        report_date=report_date,
        confirmed_date=confirmed_date,
    )
    person = resolve_person(person, by=by, request=request)
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
                institution=institution,
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
    _end_contact_observation(case, by=by)
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
    # 确诊 → 治愈 or 死亡 with the date field emptied would lose when it was confirmed
    # (a case staying 确诊 is held to the date rule below).
    was_confirmed = case.classification in Case.CONFIRMED_BEFORE and case.confirmed_date
    clears_date = "confirmed_date" in fields and fields["confirmed_date"] is None
    if was_confirmed and clears_date and new_class != Case.Classification.CONFIRMED:
        raise ValidationError("该病例已确诊，确诊日期不能清除")
    if "institution" in fields:
        _check_institution(fields["institution"], was=case.institution)
    submitted = {
        name: value.strip() if isinstance(value, str) else value for name, value in fields.items()
    }
    changed = {name: value for name, value in submitted.items() if getattr(case, name) != value}
    if new_class == case.classification and not changed:
        raise ValidationError("没有修改任何内容")
    # Checked on the values as they would be stored; the case is touched only after.
    dates = {
        name: changed.get(name, getattr(case, name))
        for name in ("onset_date", "report_date", "confirmed_date")
    }
    _check_case_dates(classification=new_class, **dates, new=frozenset(changed))
    changes = {
        CASE_FIELDS[name]: [_fmt(getattr(case, name)), _fmt(value)]
        for name, value in changed.items()
    }
    for name, value in changed.items():
        setattr(case, name, value)
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
    if old_class != new_class:
        _end_contact_observation(case, by=by)
    return event
