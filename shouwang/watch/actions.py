"""Workflows of the key-person module. Other apps raise alerts and leads through
``raise_alert`` and ``create_lead``; both are idempotent per source row.

Every change to a key-person record goes through a function here: it checks the rule,
writes the row and its history (``KeyPersonEvent``) and the audit log in one
transaction. Follow-ups, overdue slots and police-list location live here too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.text import half_width

from . import alerting, schedule
from .models import (
    DEFAULT_LOST_AFTER,
    MAX_LOST_AFTER,
    Alert,
    Category,
    ContactAttempt,
    FollowUp,
    KeyPerson,
    KeyPersonEvent,
    Lead,
    LocateTask,
    MissedSlot,
    WatchPolicy,
)


def raise_alert(
    *,
    area: Any,
    kind: str,
    title: str,
    detail: str = "",
    person: Any = None,
    key_person: KeyPerson | None = None,
    source: Any = None,
    at: datetime | None = None,
) -> Alert:
    """Record an alert for ``area`` (shown to its community and HQ). ``source`` is the
    row that caused it; raising twice for the same source and kind returns the first.
    ``at`` is when it happened (a passage recorded offline), default now: the daily
    report counts fever alerts on the report day of that moment."""
    source_type = source._meta.label if source is not None else ""
    source_id = str(source.pk) if source is not None else ""
    if source is not None:
        existing = Alert.objects.filter(
            kind=kind, source_type=source_type, source_id=source_id
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return Alert.objects.create(
                area=area,
                kind=kind,
                title=title[:200],
                detail=detail,
                person=person,
                key_person=key_person,
                source_type=source_type,
                source_id=source_id,
                raised_at=at or timezone.now(),
            )
    except IntegrityError:
        return Alert.objects.get(kind=kind, source_type=source_type, source_id=source_id)


def create_lead(*, area: Any, person: Any, source: str, detail: str, origin: Any = None) -> Lead:
    """A possible key person for staff to confirm or dismiss; once per origin row."""
    source_type = origin._meta.label if origin is not None else ""
    source_id = str(origin.pk) if origin is not None else ""
    if origin is not None:
        existing = Lead.objects.filter(source_type=source_type, source_id=source_id).first()
        if existing is not None:
            return existing
    return Lead.objects.create(
        area=area,
        person=person,
        source=source,
        detail=detail,
        source_type=source_type,
        source_id=source_id,
    )


def active_key_person(person: Any) -> KeyPerson | None:
    """The person's current key-person record, if any (used by check-in rules)."""
    if person is None:
        return None
    # On the check-in hot path nearly every answer is "none": ask with one plain
    # indexed query (a person has at most one active record, a database constraint)
    # and build the ORM query only when there is a record to load.
    sql, params = active_key_person_sql("%s")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [person.pk, *params])
        row = cursor.fetchone()
    return key_person_by_id(row[0])


def active_key_person_sql(person_column: str) -> tuple[str, list[Any]]:
    """A scalar subquery giving the id of the active key-person record of the person
    in ``person_column`` (NULL if none), and its parameters (after the column's, when
    that is a placeholder): for a hot path that asks in a query it already makes."""
    table = connection.ops.quote_name(KeyPerson._meta.db_table)
    sql = f"(SELECT k.id FROM {table} k WHERE k.person_id = {person_column} AND k.status = %s)"  # noqa: S608
    return sql, [KeyPerson.Status.ACTIVE]


def key_person_by_id(pk: int | None) -> KeyPerson | None:
    """The record ``active_key_person_sql`` named (with its category), or None."""
    if pk is None:
        return None
    return KeyPerson.objects.select_related("category").get(pk=pk)


# --- registration ---------------------------------------------------------------


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


class Identity(TypedDict):
    """Who a form names, for ``find_or_create_person``: the building, name, document
    and phone typed."""

    area: Any
    name: str
    number: str
    doc_type: str
    phone: str


@transaction.atomic
def register_with_person(*, persons: Any, identity: Identity, by: Any, **record: Any) -> KeyPerson:
    """登记 from the form: the ledger person (found among ``persons``, else added; a
    phone typed becomes theirs) and their record — all or nothing: a refused
    registration adds no ledger person and changes no phone."""
    person = find_or_create_person(persons=persons, by=by, **identity)
    return register_key_person(person=person, by=by, **record)


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
    if planned_end < start_date:
        raise ValidationError("计划解除日期不能早于开始日期")
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


# --- status and period ------------------------------------------------------------


@transaction.atomic
def change_status(
    *, key_person: KeyPerson, status: str, reason: str, by: Any, note: str = ""
) -> KeyPerson:
    """Move a record to ``status``; ``reason`` must be one of the fixed reasons for it.
    观察期满 only from the planned end on, and for a record the release page proposes
    (followed up, nothing missing, nothing abnormal): the notice it prints says the
    whole period passed without anything abnormal."""
    record = KeyPerson.objects.select_for_update().get(pk=key_person.pk)
    if status not in KeyPerson.Status.values:
        raise ValidationError("状态不正确")
    if status == record.status:
        raise ValidationError(f"当前状态已是“{record.get_status_display()}”")
    if reason not in KeyPerson.REASONS_FOR[status]:
        raise ValidationError(f"请从列表中选择变更为“{KeyPerson.Status(status).label}”的原因")
    if reason == KeyPerson.Reason.PERIOD_COMPLETE and record.planned_end > schedule.local_day(
        timezone.now()
    ):
        raise ValidationError(
            f"观察期尚未期满（计划 {record.planned_end:%Y-%m-%d} 解除）；提前解除请选择"
            f"“{KeyPerson.Reason.TEST_NEGATIVE.label}”或“{KeyPerson.Reason.ORDERED_RELEASE.label}”"
        )
    if (
        reason == KeyPerson.Reason.PERIOD_COMPLETE
        and not schedule.completeness([record], now=timezone.now())[record.pk].clean
    ):
        raise ValidationError(
            f"随访不全或有异常，不能以“{KeyPerson.Reason.PERIOD_COMPLETE.label}”解除；请核实后"
            f"选择“{KeyPerson.Reason.TEST_NEGATIVE.label}”或“{KeyPerson.Reason.ORDERED_RELEASE.label}”"
            "，或延长观察期"
        )
    if status == KeyPerson.Status.ACTIVE:
        other = active_key_person(record.person)
        if other is not None and other.pk != record.pk:
            raise ValidationError("此人已有另一条管控中的记录")
    old = record.status
    record.status = status
    record.ended_at = None if status == KeyPerson.Status.ACTIVE else timezone.now()
    record.save(update_fields=["status", "ended_at", "updated_at"])
    KeyPersonEvent.objects.create(
        key_person=record,
        kind=KeyPersonEvent.Kind.STATUS,
        from_status=old,
        to_status=status,
        reason=reason,
        note=note[:200],
        by=by,
    )
    audit.record(
        action=AuditEvent.Action.STATUS,
        user=by,
        obj=record,
        detail=(
            f"{KeyPerson.Status(old).label} → {KeyPerson.Status(status).label}；"
            f"原因：{KeyPerson.Reason(reason).label}{'；' + note if note else ''}"
        )[:1000],
    )
    key_person.refresh_from_db()
    return record


@transaction.atomic
def extend_observation(
    *, key_person: KeyPerson, new_end: date, reason: str, by: Any, note: str = ""
) -> KeyPerson:
    """Push the planned end later, with a reason from the fixed list."""
    record = KeyPerson.objects.select_for_update().get(pk=key_person.pk)
    if not record.is_active:
        raise ValidationError("只有管控中的人员可以延长观察期")
    if reason not in KeyPerson.ExtensionReason.values:
        raise ValidationError("请从列表中选择延长原因")
    if new_end <= record.planned_end:
        raise ValidationError(f"新的解除日期应晚于原计划 {record.planned_end:%Y-%m-%d}")
    if new_end > record.planned_end + timedelta(days=60):
        raise ValidationError("一次最多延长60天")
    old_end = record.planned_end
    record.planned_end = new_end
    record.save(update_fields=["planned_end", "updated_at"])
    KeyPersonEvent.objects.create(
        key_person=record,
        kind=KeyPersonEvent.Kind.EXTENDED,
        reason=reason,
        note=note[:200],
        old_end=old_end,
        new_end=new_end,
        by=by,
    )
    audit.record(
        action=AuditEvent.Action.UPDATE,
        user=by,
        obj=record,
        detail=(
            f"延长观察：{old_end:%Y-%m-%d} → {new_end:%Y-%m-%d}；"
            f"原因：{KeyPerson.ExtensionReason(reason).label}{'；' + note if note else ''}"
        )[:1000],
    )
    key_person.refresh_from_db()
    return record


@transaction.atomic
def release_many(*, key_persons: Iterable[KeyPerson], by: Any, note: str = "") -> list[KeyPerson]:
    """Release each record (观察期满，随访无异常); all or none. Each must still be
    proposed — at or past its planned end, followed up, every due follow-up recorded,
    none abnormal:
    the page the choice was made on may predate a fever or an extension."""
    key_persons = list(key_persons)
    now = timezone.now()
    today = schedule.local_day(now)
    done = schedule.completeness(key_persons, now=now)
    refused = [r for r in key_persons if r.planned_end > today or not done[r.pk].clean]
    if refused:
        names = "、".join(r.person.name for r in refused[:10])
        raise ValidationError(
            f"{names}{' 等' if len(refused) > 10 else ''} 不符合期满解除条件（观察期未满、"
            "无随访记录、随访未完成或有异常），未解除任何人；请刷新页面后重试，或在个人页面变更状态"
        )
    released = []
    for record in key_persons:
        released.append(
            change_status(
                key_person=record,
                status=KeyPerson.Status.RELEASED,
                reason=KeyPerson.Reason.PERIOD_COMPLETE,
                note=note,
                by=by,
            )
        )
    return released


# --- follow-ups ----------------------------------------------------------------------


def parse_temperature(value: Any) -> Decimal | None:
    """'37.5' -> Decimal('37.5'); blank -> None; ValidationError when implausible.
    Typed in a Chinese input method's full-width mode (３７．５, 37。5) reads the same."""
    if value in (None, ""):
        return None
    typed = str(value).replace("，", ".").replace("。", ".").replace("℃", "")
    try:
        number = Decimal(half_width(typed).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError("体温应为数字，如 36.5") from exc
    if number.is_nan():  # "nan" parses, and then cannot be compared
        raise ValidationError("体温应为数字，如 36.5")
    if not Decimal("34.0") <= number <= Decimal("43.0"):
        raise ValidationError("体温应在 34.0 到 43.0 ℃ 之间，请核对")
    return number


# What a refused follow-up field says, on the phone page and in the API alike.
METHOD_CHOICE_MESSAGE = "随访方式“%(value)s”不正确，请选择电话或上门（phone 或 visit）"
SYMPTOM_CHOICE_MESSAGE = "症状“%(value)s”不正确，可选：" + "、".join(
    f"{label}（{code}）" for code, label in FollowUp.Symptom.choices
)


def unknown_slot_message(slot: Any, slots: list[schedule.Slot]) -> str:
    listed = "、".join(f"{s.number} {s}" for s in slots)
    return f"随访时段不正确：没有第 {slot} 个时段，本社区每天的时段为 {listed}，请刷新页面"


# How far ahead of the server a phone's clock may run; a recording time later than
# that is a wrong clock, not a follow-up.
CLOCK_SKEW = timedelta(minutes=5)


def check_recording_time(
    *, slot: schedule.Slot, day: date, recorded_at: datetime, now: datetime
) -> None:
    """The late-upload rule: a follow-up of ``slot`` on ``day`` recorded at
    ``recorded_at`` (the phone's clock) may be stored at ``now`` when ``day`` is today,
    or the previous local day (recorded offline, uploaded before the end of today);
    the recording time lies in ``day``, after the slot opened, and not in the future
    (beyond ``CLOCK_SKEW``). ValidationError in Chinese otherwise, keyed by the field
    to correct (``day``, ``recorded_at``; ``slot`` when it has not opened yet)."""
    today = schedule.local_day(now)
    try:
        local = recorded_at.astimezone(schedule.zone())
    except OverflowError as exc:  # year 1 or 9999 in some other zone
        raise ValidationError({"recorded_at": "记录时间不正确，请核对手机的日期和时间"}) from exc
    if recorded_at > now + CLOCK_SKEW:
        raise ValidationError(
            {
                "recorded_at": f"记录时间 {local:%m月%d日 %H:%M} 晚于现在，"
                "请核对手机的日期和时间后重新记录"
            }
        )
    if day > today:
        raise ValidationError({"day": f"随访日期 {day:%m月%d日} 晚于今天，请核对手机的日期和时间"})
    if day < today - timedelta(days=1):
        raise ValidationError(
            {
                "day": f"{day:%m月%d日}的随访已过补记期限（前一天的随访须在次日24时前上传），"
                "不能再补记"
            }
        )
    if local.date() != day:
        raise ValidationError(
            {
                "recorded_at": f"记录时间 {local:%m月%d日 %H:%M} 不在{day:%m月%d日}当天，"
                "请核对手机的日期和时间"
            }
        )
    if slot.opens_at(day) > recorded_at:
        raise ValidationError({"slot": f"{slot.label}随访从 {slot.opens:%H:%M} 开始，请到时再记录"})


@transaction.atomic
def record_followup(
    *,
    key_person: KeyPerson,
    client_id: str | uuid.UUID,
    slot: int,
    method: str,
    by: Any,
    temperature: Decimal | None = None,
    symptoms: Iterable[str] = (),
    note: str = "",
    day: date | None = None,
    recorded_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[FollowUp, bool]:
    """Record the follow-up of ``slot`` on ``day`` (default today). Returns (follow-up,
    created). The same ``client_id`` sent again returns the first row, whatever the
    day; a second follow-up of the same slot returns the one already there, unless it
    finds fever or symptoms where the first found none: then the slot's follow-up
    becomes that finding. Fever or symptoms raise an alert.

    ``recorded_at`` is the phone's clock when the worker tapped, for a follow-up kept on
    a phone without network and uploaded later (``now`` is the upload); without it the
    follow-up is recorded now. It must satisfy ``check_recording_time``: today, or the
    previous day until the end of today. The row keeps the phone's time as
    ``recorded_at``, because that is when the follow-up was done: the pages show it,
    ``late`` (after the slot's deadline) is judged from it, and a follow-up done at
    21:30 and uploaded at 07:00 is a late follow-up of its own day, not a late upload
    of the next one. The trust put in the phone's clock is bounded by the rule (within
    the slot's day, not in the future). ``FollowUp`` has no column for the upload time.
    A record ended (released…) after the recording time still takes the follow-up.

    A slot the ``watch_overdue`` job already recorded as missed keeps its
    ``MissedSlot`` row and alert (what was known at its deadline); pages and figures
    compute overdue on read, so they count the slot as done from now on.

    A refusal is a ValidationError keyed by the field to correct (``slot``,
    ``method``, ``symptoms``, ``day``, ``recorded_at``, ``key_person``, ``client_id``):
    the API says which, the pages show the messages."""
    now = now or timezone.now()
    client_id = _client_uuid(client_id)
    existing = FollowUp.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.key_person_id != key_person.pk:
            raise ValidationError({"client_id": "提交编号冲突，请刷新页面后重试"})
        return existing, False
    symptoms = [s for s in symptoms if s]
    unknown = [s for s in symptoms if s not in FollowUp.Symptom.values]
    if unknown:
        raise ValidationError({"symptoms": SYMPTOM_CHOICE_MESSAGE % {"value": unknown[0]}})
    day, chosen, recorded_at = _slot_to_record(
        key_person=key_person,
        slot=slot,
        method=method,
        methods=FollowUp.Method.values,
        day=day,
        recorded_at=recorded_at,
        now=now,
    )
    followup = FollowUp(
        key_person=key_person,
        day=day,
        slot=slot,
        method=method,
        temperature=temperature,
        symptoms=",".join(dict.fromkeys(symptoms)),
        note=note[:200],
        late=recorded_at > chosen.deadline_at(day),
        client_id=client_id,
        recorded_by=by if by is not None and by.pk else None,
        recorded_at=recorded_at,
    )
    followup.abnormal = followup.fever or bool(followup.symptoms)
    same_slot = (
        FollowUp.objects.select_for_update()
        .filter(key_person=key_person, day=day, slot=slot)
        .first()
    )
    if same_slot is not None:
        if same_slot.abnormal or not followup.abnormal:
            return same_slot, False
        return _found_unwell_later(same_slot, followup), True
    try:
        with transaction.atomic():
            followup.save()
            if followup.abnormal:
                _alert_followup(followup)
    except IntegrityError:  # the same write, or the same slot, landed meanwhile
        again = (
            FollowUp.objects.filter(client_id=client_id).first()
            or FollowUp.objects.filter(key_person=key_person, day=day, slot=slot).first()
        )
        if again is None:
            raise
        return again, False
    return followup, True


def _client_uuid(client_id: str | uuid.UUID) -> uuid.UUID:
    try:
        return uuid.UUID(str(client_id))
    except ValueError as exc:
        raise ValidationError({"client_id": "缺少或无效的提交编号，请刷新页面后重试"}) from exc


def _slot_to_record(
    *,
    key_person: KeyPerson,
    slot: int,
    method: str,
    methods: Iterable[str],
    day: date | None,
    recorded_at: datetime | None,
    now: datetime,
) -> tuple[date, schedule.Slot, datetime]:
    """What a follow-up and an attempt that reached nobody both check: the record
    still under control at the recording time, the method among ``methods``, a slot
    of the community's, and the late-upload rule (``check_recording_time``; an item
    of another day than today carries the phone's time). Returns (day, slot,
    recording time)."""
    today = schedule.local_day(now)
    day = day or today
    if recorded_at is None:
        if day != today:
            raise ValidationError(
                {"recorded_at": f"补记{day:%m月%d日}的随访须附上手机上的记录时间"}
            )
        recorded_at = now
    if key_person.ended_by(recorded_at):
        raise ValidationError({"key_person": "该人员已不在管控中，无需随访"})
    if method not in methods:
        raise ValidationError({"method": METHOD_CHOICE_MESSAGE % {"value": method}})
    slots = schedule.Policies().slots_for(key_person.area.path)
    chosen = next((s for s in slots if s.number == slot), None)
    if chosen is None:
        raise ValidationError({"slot": unknown_slot_message(slot, slots)})
    check_recording_time(slot=chosen, day=day, recorded_at=recorded_at, now=now)
    return day, chosen, recorded_at


@transaction.atomic
def record_attempt(
    *,
    key_person: KeyPerson,
    client_id: str | uuid.UUID,
    slot: int,
    method: str,
    by: Any,
    note: str = "",
    day: date | None = None,
    recorded_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[ContactAttempt, bool]:
    """Record a follow-up of ``slot`` that reached nobody (未联系上: a call not
    answered, nobody home), by phone or visit. Returns (attempt, created); the same
    ``client_id`` again returns the first. Checked as a follow-up is — the record
    under control at the recording time, a slot of the community's, the late-upload
    rule — and kept as a follow-up is, with who and when; but it is not one: the slot
    stays open, then overdue, until a follow-up reaches the person, and completeness
    and release never count it. Any number per slot, even one already followed up (a
    call back that nobody answered is a fact too)."""
    now = now or timezone.now()
    client_id = _client_uuid(client_id)
    existing = ContactAttempt.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.key_person_id != key_person.pk:
            raise ValidationError({"client_id": "提交编号冲突，请刷新页面后重试"})
        return existing, False
    day, chosen, recorded_at = _slot_to_record(
        key_person=key_person,
        slot=slot,
        method=method,
        methods=FollowUp.WORKER_METHODS,
        day=day,
        recorded_at=recorded_at,
        now=now,
    )
    attempt = ContactAttempt(
        key_person=key_person,
        day=day,
        slot=chosen.number,
        method=method,
        note=note.strip()[:200],
        client_id=client_id,
        recorded_by=by if by is not None and by.pk else None,
        recorded_at=recorded_at,
    )
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:  # the same write landed meanwhile
        again = ContactAttempt.objects.filter(client_id=client_id).first()
        if again is None or again.key_person_id != key_person.pk:
            raise
        return again, False
    return attempt, True


def _alert_followup(followup: FollowUp) -> None:
    key_person = followup.key_person
    raise_alert(
        area=key_person.area,
        kind=Alert.Kind.FEVER if followup.fever else Alert.Kind.SYMPTOM,
        title=alerting.followup_title(key_person, followup),
        detail=alerting.followup_detail(followup),
        person=key_person.person,
        key_person=key_person,
        source=followup,
    )


def _found_unwell_later(recorded: FollowUp, finding: FollowUp) -> FollowUp:
    """A slot recorded normal, then fever or symptoms in the same slot (a call back,
    the person's own report): the slot's follow-up becomes the finding, and alerts.
    It stays on time if the first follow-up was."""
    for field in ("method", "temperature", "symptoms", "note", "abnormal"):
        setattr(recorded, field, getattr(finding, field))
    recorded.recorded_by, recorded.recorded_at = finding.recorded_by, finding.recorded_at
    recorded.late = recorded.late and finding.late
    recorded.save()
    _alert_followup(recorded)
    return recorded


def record_overdue(*, now: datetime, since: datetime) -> int:
    """Record every slot that went overdue in [since, now] and raise its alert, once.
    Idempotent: the slots recorded by an earlier run (every 15 minutes, looking back a
    day) are read in one query and skipped."""
    records = {
        r.pk: r
        for r in KeyPerson.objects.filter(
            Q(status=KeyPerson.Status.ACTIVE) | Q(ended_at__gte=since)
        )
        .filter(created_at__lt=now)
        .select_related("area__parent", "person", "category")
    }
    due_slots = schedule.overdue_slots(records.values(), now=now, since=since)
    if not due_slots:
        return 0
    recorded = set(
        MissedSlot.objects.filter(
            key_person_id__in=records, day__gte=min(due.day for due in due_slots)
        ).values_list("key_person_id", "day", "slot")
    )
    created = 0
    for due in due_slots:
        if (due.key_person_id, due.day, due.slot.number) in recorded:
            continue
        record = records[due.key_person_id]
        with transaction.atomic():
            missed, is_new = MissedSlot.objects.get_or_create(
                key_person=record,
                day=due.day,
                slot=due.slot.number,
                defaults={"deadline": due.deadline, "detected_at": now},
            )
            label = f"{due.day:%m月%d日}{due.slot.label}"
            raise_alert(
                area=record.area,
                kind=Alert.Kind.OVERDUE,
                title=alerting.overdue_title(record, label),
                detail=f"截止 {timezone.localtime(due.deadline):%m-%d %H:%M} 仍无随访记录",
                person=record.person,
                key_person=record,
                source=missed,
            )
            created += int(is_new)
    return created


# --- alerts and leads -------------------------------------------------------------------


@transaction.atomic
def handle_alert(*, alert: Alert, by: Any, note: str = "") -> Alert:
    if alert.handled_at is not None:
        raise ValidationError("该预警已处置")
    alert.mark_handled(by=by, note=note)
    audit.record(
        action=AuditEvent.Action.UPDATE,
        user=by,
        obj=alert,
        detail=f"预警已处置{'：' + note if note else ''}"[:1000],
    )
    return alert


@transaction.atomic
def confirm_lead_with_person(
    *, lead: Lead, persons: Any, identity: Identity | None, by: Any, **record: Any
) -> tuple[KeyPerson, bool]:
    """线索确认 from the form: the lead's person, or (a lead naming no ledger person)
    the one the form names, found or added as ``register_with_person`` — put under
    control or attached to their record under control (``confirm_lead``), all or
    nothing."""
    person = lead.person
    if person is None:
        if identity is None:
            raise ValidationError("请填写此人的姓名、证件和住址")
        person = find_or_create_person(persons=persons, by=by, **identity)
    return confirm_lead(lead=lead, person=person, by=by, **record)


@transaction.atomic
def confirm_lead(
    *,
    lead: Lead,
    person: Any,
    by: Any,
    category: Category | None = None,
    measure: str = "",
    start_date: date | None = None,
    planned_end: date | None = None,
    note: str = "",
) -> tuple[KeyPerson, bool]:
    """Staff confirm a lead, in one step. Someone already under control keeps their
    record: the lead is attached to it (its history says so) and no second record is
    made, so category, measure and period are not asked. Anyone else becomes a
    key-person record with the category, measure and period given. Returns (record,
    created)."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != Lead.Status.NEW:
        raise ValidationError(f"该线索已{lead.get_status_display()}")
    record = active_key_person(person)
    created = record is None
    if record is None:
        if category is None or not measure or start_date is None:
            raise ValidationError(
                f"{person.name} 目前不在管控中（可能刚被解除），"
                "请填写类别、管控措施和开始日期后确认"
            )
        record = register_key_person(
            person=person,
            category=category,
            source=lead.source,
            measure=measure,
            start_date=start_date,
            planned_end=planned_end,
            notes=f"线索：{lead.detail}"[:500],
            by=by,
        )
    else:
        KeyPersonEvent.objects.create(
            key_person=record,
            kind=KeyPersonEvent.Kind.LEAD,
            note=f"{lead.get_source_display()}：{lead.detail}"[:200],
            by=by,
        )
    lead.status = Lead.Status.CONFIRMED
    lead.key_person = record
    lead.person = person
    lead.decided_at = timezone.now()
    lead.decided_by = by
    lead.decided_note = note[:200]
    lead.save(
        update_fields=["status", "key_person", "person", "decided_at", "decided_by", "decided_note"]
    )
    audit.record(
        action=AuditEvent.Action.STATUS,
        user=by,
        obj=lead,
        detail="线索已确认为重点人员" if created else f"线索已确认，关联到管控中的记录 {record.pk}",
    )
    return record, created


@transaction.atomic
def dismiss_lead(*, lead: Lead, by: Any, note: str) -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != Lead.Status.NEW:
        raise ValidationError(f"该线索已{lead.get_status_display()}")
    if not note.strip():
        raise ValidationError("请填写排除理由")
    lead.status = Lead.Status.DISMISSED
    lead.decided_at = timezone.now()
    lead.decided_by = by
    lead.decided_note = note.strip()[:200]
    lead.save(update_fields=["status", "decided_at", "decided_by", "decided_note"])
    audit.record(
        action=AuditEvent.Action.STATUS, user=by, obj=lead, detail=f"线索已排除：{note}"[:1000]
    )
    return lead


# --- police list: people to locate ------------------------------------------------------


@transaction.atomic
def record_location(
    *,
    task: LocateTask,
    outcome: str,
    by: Any,
    persons: Any = None,
    building: Any = None,
    unit: str = "",
    room: str = "",
    note: str = "",
) -> LocateTask:
    """Staff record what they found: located (the person is put in the ledger if
    missing and registered as a key person), not here, or left."""
    task = LocateTask.objects.select_for_update().get(pk=task.pk)
    if task.status != LocateTask.Status.PENDING:
        raise ValidationError(f"该人员已记录为“{task.get_status_display()}”")
    if outcome not in LocateTask.Status.values or outcome == LocateTask.Status.PENDING:
        raise ValidationError("请选择查找结果")
    if outcome == LocateTask.Status.LOCATED:
        household = None
        if building is not None and room.strip():
            from shouwang.people import actions as people_actions

            household = people_actions.household_at(area=building, unit=unit, room=room, by=by)
        person = find_or_create_person(
            persons=persons,
            area=building,
            name=task.name,
            number=task.document_number,
            doc_type=task.doc_type,
            phone=task.phone,
            household=household,
            by=by,
        )
        record = active_key_person(person) or register_key_person(
            person=person,
            category=task.category,
            source=KeyPerson.Source.POLICE,
            measure=task.measure,
            start_date=task.arrival_date or timezone.localdate(),
            origin=task.origin,
            arrival_date=task.arrival_date,
            notes=f"名单住址：{task.address}"[:500] if task.address else "",
            by=by,
        )
        task.key_person = record
    task.status = outcome
    task.note = note[:200]
    task.decided_at = timezone.now()
    task.decided_by = by
    task.save(update_fields=["status", "key_person", "note", "decided_at", "decided_by"])
    audit.record(
        action=AuditEvent.Action.STATUS,
        user=by,
        obj=task,
        area=task.community,
        detail=f"查找结果：{task.get_status_display()}{'；' + note if note else ''}"[:1000],
    )
    return task


# --- settings -------------------------------------------------------------------------


@transaction.atomic
def save_policy(
    *,
    community: Any,
    self_report: bool,
    slots: str,
    by: Any,
    lost_after: int = DEFAULT_LOST_AFTER,
) -> WatchPolicy:
    parsed = schedule.parse_slots(slots)
    if not 1 <= lost_after <= MAX_LOST_AFTER:
        raise ValidationError(f"疑似失联的时段数应为 1 到 {MAX_LOST_AFTER} 之间的整数")
    policy, _ = WatchPolicy.objects.get_or_create(community=community)
    policy.self_report = self_report
    policy.slots = schedule.format_slots(parsed)
    policy.lost_after = lost_after
    policy.updated_by = by
    policy.save()
    audit.record(
        action=AuditEvent.Action.UPDATE,
        user=by,
        obj=policy,
        area=community,
        detail=f"自报：{'允许' if self_report else '不允许'}；时段：{policy.slots}；"
        f"疑似失联：{lost_after} 个时段未联系上",
    )
    return policy


@transaction.atomic
def save_category(*, category: Category, by: Any) -> Category:
    created = category.pk is None
    if Category.objects.filter(name=category.name).exclude(pk=category.pk).exists():
        raise ValidationError("已有同名类别")
    category.save()
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        user=by,
        obj=category,
        detail=f"默认观察 {category.default_days} 天{'' if category.active else '（停用）'}",
    )
    return category
