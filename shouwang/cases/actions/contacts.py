"""Close contacts (密接): listing them on a case and putting them under observation as
key persons. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.people.models import Person
from shouwang.watch.actions import (
    active_key_person,
    extend_observation,
    register_key_person,
    update_key_person,
)
from shouwang.watch.actions.registration import RESUMES_WITH
from shouwang.watch.models import Category, KeyPerson

from ..models import (
    CLOSE_CONTACT_CATEGORY,
    INFECTIOUS_LEAD_DAYS,
    OBSERVATION_DAYS,
    SECONDARY_CONTACT_CATEGORY,
    Case,
    Contact,
    Trace,
)
from .cases import EARLIEST_NEW_DATE, NewPerson, resolve_person


def locked_case(pk: int) -> Case:
    """The case row, locked until the caller's transaction ends: its classification
    read here stays true while contacts are written (``change_case`` locks it too, so
    an exclusion waits for them, or they see it)."""
    return Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=pk)


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
    case_locked: bool = False,
) -> tuple[Contact, bool]:
    """Record a close contact of ``case`` (or, with ``via``, a secondary contact met by
    that close contact). Adding a person twice keeps one row: the closer degree and the
    later last contact date win. Returns (contact, created). The case is locked first
    (``locked_case``), unless the caller, adding many contacts, holds its lock already
    (``case_locked``)."""
    # A caller holding the lock holds its transaction too: no savepoint of our own
    # (two statements less for each of many contacts).
    with transaction.atomic(savepoint=not case_locked):
        if not case_locked:
            case = locked_case(case.pk)
        if refusal := case.contact_refusal():
            raise ValidationError(refusal)
        if kind not in Contact.Kind.values:
            raise ValidationError("请选择接触方式")
        person = resolve_person(person, by=by, request=request)
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
                f"{case.infectious_from()}（发病、确诊或报告日期中最早者前{INFECTIOUS_LEAD_DAYS}天），不属于密接；"
                "如病例发病日期有误，请先修改病例"
            )
        if via is not None:
            if via.case_id != case.pk or via.degree != Contact.Degree.CLOSE:
                raise ValidationError("次密接只能经由本病例的密切接触者登记")
            if via.person_id == person.pk:
                raise ValidationError("不能把密接本人登记为其次密接")
            # Met before the close contact was exposed: not through them. (Hop 2 of a trace
            # counts only passes after the hop-1 person's first encounter with the case,
            # which may precede their last one.)
            if source == Contact.Source.MANUAL and last_contact_date < via.last_contact_date:
                raise ValidationError(
                    f"{person.name}的末次接触日期 {last_contact_date} 早于密接{via.person.name}"
                    f"与病例的末次接触日期 {via.last_contact_date}，不属于经由该密接的次密接；"
                    "请核对日期"
                )
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
                    if "degree" in fields:
                        _observe_as_close(existing.key_person, by=by)
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


def watch_category(contact: Contact) -> Category | None:
    """The watch category the contact is observed under (by degree), if it exists yet."""
    return Category.objects.filter(name=Contact.category_name(contact.degree)).first()


def _own_category(contact: Contact, category: Category | None) -> Category | None:
    """``category`` if it is the contact's (looked up once by a caller), else looked up."""
    if category is not None and category.name == Contact.category_name(contact.degree):
        return category
    return watch_category(contact)


def observation_end(contact: Contact, *, category: Category | None = None) -> date:
    """The planned end ``observe_contact`` gives a contact: the last contact date plus
    the category's days (editable by HQ; ``OBSERVATION_DAYS`` before it exists).
    ``category``: the contact's ``watch_category`` when the caller has it already."""
    category = _own_category(contact, category)
    days = category.default_days if category is not None else OBSERVATION_DAYS
    return contact.last_contact_date + timedelta(days=days)


def observation_over(
    contact: Contact, *, on: date | None = None, category: Category | None = None
) -> bool:
    """Whether the contact's observation period (``observation_end``, the day of
    release) is over by ``on`` (today): a record ending today would owe no follow-up
    (due days are [start, planned end)) and would wait in 待解除 as 无随访记录."""
    return observation_end(contact, category=category) <= (on or timezone.localdate())


def observation_refusal(contact: Contact) -> str:
    """Why a contact may not be observed as a contact ("" if they may): their case was
    excluded; or they are a case themselves, infected (cared for as a case) or dead. A
    suspected or recovered case may be observed."""
    if contact.case.classification == Case.Classification.EXCLUDED:
        return "该病例已排除，其密接无需纳入管控；如分类有误，请先修改病例分类"
    own = Case.objects.not_observed_as_contacts().filter(person_id=contact.person_id).first()
    if own is None:
        return ""
    name = contact.person.name
    if own.classification == Case.Classification.DIED:
        return f"{name}已死亡（见其病例记录），无需纳入管控"
    label = "确诊病例" if own.classification == Case.Classification.CONFIRMED else "无症状感染者"
    return f"{name}本人已是{label}，按病例管理，无需作为密接纳入观察"


def _observe_as_close(key_person: KeyPerson, *, by: Any) -> None:
    """A record observed as 次密接 whose person turns out to have met the case itself
    is counted as 密切接触者 from now on (its history and audit say so)."""
    if key_person.category.name != SECONDARY_CONTACT_CATEGORY:
        return
    update_key_person(
        key_person=key_person,
        category=_category(CLOSE_CONTACT_CATEGORY),
        measure=key_person.measure,
        notes=key_person.notes,
        responsible=key_person.responsible,
        by=by,
    )


def _cover_exposure(
    key_person: KeyPerson, *, contact: Contact, by: Any, category: Category | None = None
) -> KeyPerson:
    """Extend a running observation that would end before the contact's own period (a
    person observed for another reason, or a later contact found with the same case),
    if that period has a day left."""
    end = observation_end(contact, category=category)
    if key_person.planned_end >= end or end <= timezone.localdate():
        return key_person  # covered already, or the contact's own period is over
    return extend_observation(
        key_person=key_person,
        new_end=end,
        reason=KeyPerson.ExtensionReason.ORDERED,
        note=f"新的暴露：病例 {contact.case.person.name} 的"
        f"{contact.get_degree_display()}，末次接触 {contact.last_contact_date}",
        by=by,
    )


class AlreadyObserved(ValidationError):
    """The contact is under observation already (a second tap): nothing was written."""

    def __init__(self, key_person: KeyPerson) -> None:
        self.key_person = key_person
        super().__init__(
            f"已在管控中（{key_person.category.name}，至 {key_person.planned_end}），未重复纳入"
        )


@dataclass(frozen=True)
class Refusal:
    """Why a contact is not observed, which check refused (``kind``), and the
    key-person record in the way when the user may see it (``None`` outside their
    scope: its number is not theirs to know, the watch app's
    ``check_no_record_to_resume``)."""

    class Kind(Enum):
        ENDED_RECORD = "ended_record"  # ``ended_record_refusal``
        CASE = "case"  # ``observation_refusal``
        RESUME = "resume"  # ``resume_refusal``

    text: str
    kind: Kind
    record: KeyPerson | None = None

    def __str__(self) -> str:
        return self.text


class RecordInTheWay(ValidationError):
    """``observe_contact`` refused: a key-person record of the person stands in the way
    (``refusal`` names it)."""

    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal
        super().__init__(refusal.text)


def _shown(record: KeyPerson, *, by: Any) -> KeyPerson | None:
    return record if KeyPerson.objects.visible_to(by).filter(pk=record.pk).exists() else None


def _resume_advice(record: KeyPerson, *, shown: KeyPerson | None) -> str:
    """How a 失联 or 转医院 record comes back under control: resumed with its own
    reason, on the record (by its community when the user may not see it)."""
    resume = RESUMES_WITH[record.status].label
    if shown is None:
        return f"该记录属其他社区，人员找到或返回后请由该社区在该记录变更为管控中（{resume}）"
    return f"人员找到或返回后，请在该记录（编号 {record.pk}）变更为管控中（{resume}）"


def ended_record_refusal(contact: Contact, *, by: Any) -> Refusal | None:
    """Why a contact whose key-person record has ended (released, left, lost, in
    hospital) is not observed again (``None`` if they may be): the exposure it was
    observed for is over. A last contact recorded after the record ended is a new
    exposure, observed anew — unless the record is 失联 or 转医院 and its person's
    latest (``KeyPersonQuerySet.to_resume``): that one resumes on the record."""
    record = contact.key_person
    if record is None or record.is_active or contact.exposed_after_record_ended():
        return None
    ended = timezone.localdate(record.ended_at) if record.ended_at else None
    when = f"已于 {ended} " if ended else "已"
    shown = _shown(record, by=by)
    if KeyPerson.objects.filter(pk=record.pk).to_resume().exists():
        advice = _resume_advice(record, shown=shown)
    else:
        advice = "如有新的接触，请在该病例下重新登记其末次接触日期后再纳入管控"
    return Refusal(
        f"{contact.person.name} 的管控记录{when}{record.get_status_display()}，"
        f"末次接触 {contact.last_contact_date} 不在其后，未重新纳入管控；{advice}",
        Refusal.Kind.ENDED_RECORD,
        shown,
    )


def resume_refusal(contact: Contact, *, by: Any) -> Refusal | None:
    """Why a contact is not registered anew (``None`` if they may be): their person's
    latest control record is 失联 or 转医院 (``KeyPersonQuerySet.to_resume``), which
    resumes when they are back — a second record would leave it out of control for
    good."""
    record = KeyPerson.objects.filter(person_id=contact.person_id).to_resume().first()
    if record is None:
        return None
    shown = _shown(record, by=by)
    return Refusal(
        f"{contact.person.name} 已有{record.get_status_display()}的管控记录，未新建记录；"
        + _resume_advice(record, shown=shown),
        Refusal.Kind.RESUME,
        shown,
    )


def observe_refusal(
    contact: Contact, *, by: Any, category: Category | None = None
) -> Refusal | None:
    """Why ``observe_contact`` refuses a contact (``None`` if it does not), its checks
    in its order, so the 纳入管控 page offers no form it would refuse: an ended record
    (``ended_record_refusal``), the case or person (``observation_refusal``), then —
    unless the person's running record takes the contact in, or the period is over (the
    page and ``observe_contact`` say so themselves) — a record to resume
    (``resume_refusal``). ``category``: the contact's ``watch_category`` when the
    caller has it already."""
    return _checks(contact, by=by, category=category)[0]


def _checks(
    contact: Contact, *, by: Any, category: Category | None
) -> tuple[Refusal | None, KeyPerson | None]:
    """``observe_refusal``, with the person's running record it looked up (``None``
    when it refused before asking, or there is none)."""
    if refusal := ended_record_refusal(contact, by=by):
        return refusal, None
    if text := observation_refusal(contact):
        return Refusal(text, Refusal.Kind.CASE), None
    running = active_key_person(contact.person)
    if running is not None or observation_over(contact, category=category):
        return None, running
    return resume_refusal(contact, by=by), None


@dataclass(frozen=True)
class Checked:
    """What ``checked_for_observation`` found, for ``observe_checked``: the locked
    contact, the refusal (if any), and — looked up once for both — the person's running
    record and the contact's watch category (``None`` if it does not exist yet)."""

    contact: Contact
    refusal: Refusal | None
    running: KeyPerson | None
    category: Category | None


@transaction.atomic
def observe_contact(
    *,
    contact: Contact,
    measure: str,
    by: Any,
    request: HttpRequest | None = None,
) -> KeyPerson:
    """Put a contact under observation: a key person (密切接触者 / 次密接) whose
    period runs from the last contact date. A person already under observation keeps
    their record; the contact is linked to it. A contact observed already raises
    ``AlreadyObserved``; one whose record has ended is observed again only after a new
    exposure; one whose latest record is 失联 or 转医院 is not registered again: any
    refusal of ``observe_refusal`` raises ``RecordInTheWay``."""
    locked_case(contact.case_id)  # first, as every writer of the case's contacts does
    checked = checked_for_observation(contact=contact, measure=measure, by=by)
    if checked.refusal is not None:
        raise RecordInTheWay(checked.refusal)
    return observe_checked(checked=checked, measure=measure, by=by, request=request)


def checked_for_observation(
    *, contact: Contact, measure: str, by: Any, category: Category | None = None
) -> Checked:
    """``observe_contact``'s checks, each once, inside the caller's transaction: the
    measure, the contact locked and not under observation already (``AlreadyObserved``),
    then ``observe_refusal``. Returns the locked contact and the refusal, for a caller
    that sorts refusals instead of raising them (``contacts_from_trace``); ``category``:
    the contact's ``watch_category`` when the caller has it already. The caller holds
    the case's lock (``locked_case``): the case read with the contact is current."""
    if measure not in KeyPerson.Measure.values:
        raise ValidationError("请选择管控措施")
    contact = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("person", "key_person__category", "case")
        .get(pk=contact.pk)
    )
    if contact.key_person is not None and contact.key_person.is_active:
        raise AlreadyObserved(contact.key_person)
    category = _own_category(contact, category)
    refusal, running = _checks(contact, by=by, category=category)
    return Checked(contact, refusal, running, category)


def observe_checked(
    *,
    checked: Checked,
    measure: str,
    by: Any,
    request: HttpRequest | None = None,
) -> KeyPerson:
    """``observe_contact`` after its checks (``checked_for_observation`` found no
    refusal): link the running record, or register one."""
    contact = checked.contact
    person = contact.person
    existing = checked.running
    if existing is not None:
        existing = _cover_exposure(existing, contact=contact, by=by, category=checked.category)
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
    end = observation_end(contact, category=checked.category)
    if end <= timezone.localdate():  # ``observation_over``
        raise ValidationError(
            f"{person.name}的观察期（末次接触 {contact.last_contact_date} 起）已于 {end} 结束，"
            "无需纳入管控"
        )
    category = checked.category or _category(Contact.category_name(contact.degree))
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
