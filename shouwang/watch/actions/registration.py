"""Registering a key person, with the ledger person found or added, and editing the
record. Each change writes its history (``KeyPersonEvent``) and the audit log in one
transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from ..models import (
    Alert,
    Category,
    KeyPerson,
    KeyPersonEvent,
)
from .lookups import active_key_person


def grid_for_area(area: Any) -> Any:
    """The grid holding the compound of ``area`` (a building or compound), if any."""
    from shouwang.areas.models import Area, Grid

    compound = area if area.kind == Area.Kind.COMPOUND else None
    if area.kind == Area.Kind.BUILDING and area.parent_id:
        compound = area.parent
    if compound is None:
        return None
    return Grid.objects.filter(compounds=compound).order_by("pk").first()


def default_responsible(grid: Any) -> Any:
    if grid is None:
        return None
    return grid.staff.filter(is_active=True).order_by("pk").first()


# Records someone still works on: followed up, or looked for.
OPEN_STATUSES = (KeyPerson.Status.ACTIVE, KeyPerson.Status.LOST)


@transaction.atomic
def hand_over_after_move(*, area: Any, by: Any) -> list[str]:
    """After ``area`` moved in the tree (``areas.actions.move_area``), or an account
    below it was moved, given another role or disabled: each open record below it
    takes the grid now holding its compound, and a responsible worker who can no
    longer see it or follow it up (a disabled account does neither) hands it to that
    grid's first worker, or to nobody (未分配, for the new community to assign). Each
    change is in the record's history; returns one line per (old, new) worker for the
    move's page and audit entry."""
    records = (
        KeyPerson.objects.within(area)
        .filter(status__in=OPEN_STATUSES)
        .select_related("area__parent", "grid__community", "responsible__area")
        .order_by("pk")
    )
    handed: dict[tuple[Any, Any], int] = {}
    for record in records:
        fields = []
        grid = record.grid
        if grid is not None and not record.area.is_within(grid.community):
            record.grid = grid_for_area(record.area)
            fields.append("grid")
        worker = record.responsible
        if worker is not None and (
            not worker.can("watch.followup")
            or worker.area is None
            or not record.area.is_within(worker.area)
        ):
            record.responsible = default_responsible(record.grid)
            fields.append("responsible")
            KeyPersonEvent.objects.create(
                key_person=record,
                kind=KeyPersonEvent.Kind.ASSIGNED,
                note=f"辖区调整：{worker} → {record.responsible or '无'}"[:200],
                by=by,
            )
            key = (worker, record.responsible)
            handed[key] = handed.get(key, 0) + 1
        if fields:
            record.save(update_fields=[*fields, "updated_at"])
    return [
        f"{old}负责的重点人员 {count} 人改由{new or '（未分配，待所在社区指定）'}负责"
        for (old, new), count in handed.items()
    ]


# Records not ended for good: followed up, looked for, or to resume after hospital.
LIVE_STATUSES = (*OPEN_STATUSES, KeyPerson.Status.HOSPITAL)


@transaction.atomic
def follow_move_to_building(
    *, household: Any, persons: Any, compound: Any, building: Any, by: Any
) -> None:
    """The ledger moved ``household`` and its ``persons`` (registered at ``compound``
    before it had buildings) into ``building``, one of its buildings. Their records not
    ended for good (管控中, 失联, 转医院) that stand at the compound move along, each
    with a history entry, so the building's pages and counts hold them; so do the
    alerts of those persons and records not handled yet (``move_open_alerts``). Ended
    records and handled alerts are the past and stay where they were; follow-ups and
    attempts take their place from their record and are not written. The alerts about
    the household itself rather than a person come from other apps' rows (a household
    not reached two days running): those apps move them (``cases``)."""
    where = f"所属辖区：{compound.name} → {compound.name}{building.name}"
    records = list(
        KeyPerson.objects.select_for_update()
        .filter(person__in=persons, area=compound, status__in=LIVE_STATUSES)
        .order_by("pk")
    )
    KeyPerson.objects.filter(pk__in=[r.pk for r in records]).update(
        area=building, updated_at=timezone.now()
    )
    for record in records:
        KeyPersonEvent.objects.create(
            key_person=record, kind=KeyPersonEvent.Kind.EDITED, note=where, by=by
        )
        audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=record, detail=where)
    move_open_alerts(
        alerts=Alert.objects.filter(Q(person__in=persons) | Q(key_person__in=records)),
        compound=compound,
        building=building,
        by=by,
    )


@transaction.atomic
def move_open_alerts(*, alerts: Any, compound: Any, building: Any, by: Any) -> int:
    """Of ``alerts``, those standing at ``compound`` and not handled yet move to
    ``building``, where a household moved on the ledger, each with an audit row; the
    handled ones are the past and stay. Called for the alerts of the household's
    persons and records, and by other apps for the alerts their own rows raised about
    the household itself (``cases``). Returns how many moved."""
    moving = list(
        alerts.filter(area=compound, handled_at__isnull=True)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Alert.objects.filter(pk__in=moving).update(area=building)
    where = f"所属辖区：{compound.name} → {compound.name}{building.name}（户移到楼栋）"
    for alert in Alert.objects.filter(pk__in=moving).order_by("pk"):
        audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=alert, detail=where)
    return len(moving)


def find_or_create_person(
    *,
    persons: Any,
    area: Any,
    name: str,
    number: str,
    by: Any,
    doc_type: str = "id_card",
    phone: str = "",
    household: Any = None,
) -> Any:
    """The ledger person with this document number among ``persons`` (the caller's
    visible persons), matched by its keyed hash whatever the document, or a new ledger
    person at ``area`` added through the people app (which refuses a number already in
    the ledger elsewhere). Raises ValidationError on a bad number for ``doc_type``."""
    from shouwang.people import actions as people_actions
    from shouwang.people.documents import DocumentError, validate_document
    from shouwang.people.models import Person

    try:
        number = validate_document(doc_type, number)
    except DocumentError as exc:
        raise ValidationError(str(exc)) from exc
    found = persons.current().with_document(number).order_by("pk").first()
    if found is not None:
        update_phone(person=found, phone=phone, by=by)
        return found
    if area is None:
        raise ValidationError("台账中没有此人，请选择其所在楼栋以便建档")
    if not name.strip():
        raise ValidationError("台账中没有此人，请填写姓名以便建档")
    relation = Person.Relation.HEAD
    if household is not None and household.persons.exists():
        relation = Person.Relation.OTHER
    try:
        return people_actions.create_person(
            household=household,
            area=area,
            name=name,
            doc_type=doc_type,
            doc_number=number,
            phone=phone,
            fields={"relation": relation},
            note="登记重点人员时建档",
            by=by,
        )
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc


@transaction.atomic
def update_phone(*, person: Any, phone: str, by: Any) -> bool:
    """The mobile number a police list or a registration gives for someone already in
    the ledger becomes the ledger's — the number the grid worker's 拨打 dials — through
    the people app (its history keeps the change, the audit log who made it). A blank
    or the same number changes nothing; True when the ledger's number changed."""
    from shouwang.core import pii
    from shouwang.people import actions as people_actions
    from shouwang.people.documents import DocumentError, validate_phone
    from shouwang.people.models import Person

    if not phone:
        return False
    try:
        phone = validate_phone(phone)
    except DocumentError as exc:
        raise ValidationError(str(exc)) from exc
    if person.phone_hash == pii.lookup_hash(phone):
        return False
    locked = Person.objects.select_for_update().get(pk=person.pk)
    people_actions.update_person(
        person=locked,
        name=locked.name,
        doc_type=locked.doc_type,
        doc_number=None,
        phone=phone,
        fields={},
        tags=list(locked.tags.all()),
        version=locked.version,
        by=by,
    )
    return True


# An arrival date (抵达日期), typed on the form or read from a police list, is no later
# than today and no more than a year back: a year typed wrong (0001, 2062) is refused.
ARRIVAL_DAYS_BACK = 365


def check_arrival_date(day: date, *, today: date) -> None:
    if day > today:
        raise ValidationError("抵达日期不能晚于今天")
    if day < today - timedelta(days=ARRIVAL_DAYS_BACK):
        raise ValidationError("抵达日期早于一年前，请核对")


def period_served(arrival: date | None, *, category: Category, today: date) -> date | None:
    """The day the category's period, counted from ``arrival``, ended — the planned end
    of a record started on arrival — when that is ``today`` or earlier: such a person
    has served their observation and needs none (a police list covers weeks)."""
    if arrival is None:
        return None
    end = KeyPerson.default_end(arrival, category)
    return end if end <= today else None


class Identity(TypedDict):
    """Who a form names, for ``find_or_create_person``: the building, name, document
    and phone typed."""

    area: Any
    name: str
    number: str
    doc_type: str
    phone: str


# A record out of control for a spell resumes with its own reason when the person is
# back; a second record would leave it out of control for good and refuse that return.
RESUMES_WITH = {
    KeyPerson.Status.LOST: KeyPerson.Reason.FOUND,
    KeyPerson.Status.HOSPITAL: KeyPerson.Reason.RETURNED,
}


def check_no_record_to_resume(person: Any, *, by: Any) -> None:
    """登记 and 线索确认 refuse someone whose latest record is 失联 or 转医院, naming it
    and how it resumes (``KeyPersonQuerySet.to_resume``; the police-list intake lists
    them as 已在管控 by the same rule; the cases app's 纳入管控 refuses them by it too,
    ``cases.actions.resume_refusal``)."""
    latest = KeyPerson.objects.filter(person=person).to_resume().first()
    if latest is None:
        return
    resume = RESUMES_WITH[latest.status].label
    if not KeyPerson.objects.visible_to(by).filter(pk=latest.pk).exists():
        # Another community's record: its number is not the user's to know.
        raise ValidationError(
            f"{person.name}：该人员在其他社区已有一条“{latest.get_status_display()}”的记录，"
            f"不能重复登记；人员找到或返回后，请由该社区在该记录变更为管控中（{resume}）"
        )
    raise ValidationError(
        f"{person.name} 已有一条“{latest.get_status_display()}”的记录（编号 {latest.pk}，"
        f"{latest.start_date:%Y-%m-%d} 起），不能重复登记；人员找到或返回后，"
        f"请在该记录变更为管控中（{resume}）"
    )


@transaction.atomic
def register_with_person(*, persons: Any, identity: Identity, by: Any, **record: Any) -> KeyPerson:
    """登记 from the form: the ledger person (found among ``persons``, else added; a
    phone typed becomes theirs) and their record — all or nothing: a refused
    registration adds no ledger person and changes no phone. Someone 失联 or 转医院
    is refused (``check_no_record_to_resume``)."""
    person = find_or_create_person(persons=persons, by=by, **identity)
    check_no_record_to_resume(person, by=by)
    return register_key_person(person=person, by=by, **record)


@transaction.atomic
def register_key_person(
    *,
    person: Any,
    category: Category,
    source: str,
    measure: str,
    start_date: date,
    by: Any,
    planned_end: date | None = None,
    origin: str = "",
    arrival_date: date | None = None,
    notes: str = "",
    responsible: Any = None,
) -> KeyPerson:
    """Put a ledger person under control; assigned to the grid of their building."""
    if active_key_person(person) is not None:
        raise ValidationError(f"{person.name} 已在管控中，不能重复登记")
    planned_end = planned_end or KeyPerson.default_end(start_date, category)
    if planned_end <= start_date:  # a period of no day owes no follow-up
        raise ValidationError("计划解除日期应晚于开始日期")
    grid = grid_for_area(person.household.area if person.household_id else person.area)
    record = KeyPerson(
        person=person,
        area=person.area,
        category=category,
        source=source,
        measure=measure,
        start_date=start_date,
        planned_end=planned_end,
        grid=grid,
        responsible=responsible or default_responsible(grid),
        origin=origin[:100],
        arrival_date=arrival_date,
        notes=notes,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:  # a concurrent registration of the same person
        raise ValidationError(f"{person.name} 已在管控中，不能重复登记") from exc
    KeyPersonEvent.objects.create(
        key_person=record,
        kind=KeyPersonEvent.Kind.CREATED,
        to_status=record.status,
        note=f"来源：{record.get_source_display()}",
        new_end=planned_end,
        by=by,
    )
    audit.record(action=AuditEvent.Action.CREATE, user=by, obj=record)
    return record


@transaction.atomic
def update_key_person(
    *,
    key_person: KeyPerson,
    category: Category,
    measure: str,
    notes: str,
    responsible: Any,
    by: Any,
) -> KeyPerson:
    """Edit category, measure, notes and the responsible worker (each recorded)."""
    changes = []
    if key_person.category_id != category.pk:
        changes.append(f"类别：{key_person.category.name} → {category.name}")
    if key_person.measure != measure:
        changes.append(
            f"措施：{key_person.get_measure_display()} → {KeyPerson.Measure(measure).label}"
        )
    if key_person.notes != notes:
        changes.append("备注已修改")
    old_responsible = key_person.responsible
    key_person.category, key_person.measure, key_person.notes = category, measure, notes
    key_person.responsible = responsible
    key_person.save(update_fields=["category", "measure", "notes", "responsible", "updated_at"])
    if changes:
        KeyPersonEvent.objects.create(
            key_person=key_person,
            kind=KeyPersonEvent.Kind.EDITED,
            note="；".join(changes)[:200],
            by=by,
        )
    if (old_responsible.pk if old_responsible else None) != (
        responsible.pk if responsible else None
    ):
        KeyPersonEvent.objects.create(
            key_person=key_person,
            kind=KeyPersonEvent.Kind.ASSIGNED,
            note=f"{old_responsible or '无'} → {responsible or '无'}",
            by=by,
        )
        changes.append(f"责任人：{old_responsible or '无'} → {responsible or '无'}")
    if changes:
        audit.record(
            action=AuditEvent.Action.UPDATE, user=by, obj=key_person, detail="；".join(changes)
        )
    return key_person
