"""Follow-ups (随访): recorded, attempts that reached nobody, overdue slots and the
alerts of an abnormal finding."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.text import day_label, half_width, moment_label

from .. import alerting, schedule
from ..models import (
    Alert,
    ContactAttempt,
    FollowUp,
    KeyPerson,
    MissedSlot,
)
from .alerts import raise_alert
from .lost import alert_suspected_lost

# The checkpoints' words for the same rule (``checkpoints.actions.checkins``).
TEMPERATURE_PLACES = "体温请填一位小数，如 36.5"


def parse_temperature(value: Any) -> Decimal | None:
    """'37.5' -> Decimal('37.5'); blank -> None; ValidationError when implausible.
    Typed in a Chinese input method's full-width mode (３７．５, 37。5) reads the same.
    As at the checkpoints, a thermometer's reading has one decimal: 36.55 is refused,
    not rounded (37.25 would be stored as a fever of 37.3), while 36.50 or 37 are
    36.5 and 37.0."""
    if value in (None, ""):
        return None
    typed = str(value).replace("，", ".").replace("。", ".").replace("℃", "")
    try:
        number = Decimal(half_width(typed).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError("体温应为数字，如 36.5") from exc
    if not number.is_finite():  # "nan" and "inf" parse, and then cannot be compared
        raise ValidationError("体温应为数字，如 36.5")
    if not Decimal("34.0") <= number <= Decimal("43.0"):
        raise ValidationError("体温应在 34.0 到 43.0 ℃ 之间，请核对")
    if number != number.quantize(Decimal("0.1")):
        raise ValidationError(TEMPERATURE_PLACES)
    return number.quantize(Decimal("0.1"))


# What a refused follow-up field says, on the phone page and in the API alike.
METHOD_CHOICE_MESSAGE = "随访方式“%(value)s”不正确，请选择电话或上门（phone 或 visit）"
SYMPTOM_CHOICE_MESSAGE = "症状“%(value)s”不正确，可选：" + "、".join(
    f"{label}（{code}）" for code, label in FollowUp.Symptom.choices
)


def unknown_slot_message(slot: Any, slots: list[schedule.Slot]) -> str:
    listed = "、".join(f"{s.number} {s}" for s in slots)
    return f"随访时段不正确：没有第 {slot} 个时段，本社区每天的时段为 {listed}，请刷新页面"


ENDED_MESSAGE = "该人员已不在管控中，无需随访"

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
                "recorded_at": f"记录时间 {moment_label(local)} 晚于现在，"
                "请核对手机的日期和时间后重新记录"
            }
        )
    if day > today:
        raise ValidationError(
            {"day": f"{day_label(day)}{slot.label}的随访：日期晚于今天，请核对手机的日期和时间"}
        )
    if day < today - timedelta(days=1):
        raise ValidationError(
            {
                "day": f"{day_label(day)}{slot.label}的随访已过补记期限"
                "（前一天的随访须在次日24时前上传），"
                "不能再补记"
            }
        )
    if local.date() != day:
        raise ValidationError(
            {
                "recorded_at": f"不能记为{day_label(day)}{slot.label}的随访：记录时间 "
                f"{moment_label(local)} 不在{day_label(day)}当天。页面若已过午夜，"
                "请刷新后记录今天的随访，昨天已做的随访请在“昨日未随访”中补录"
                "（填实际随访时间）；否则请核对手机的日期和时间"
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
    entered_at: datetime | None = None,
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
    the slot's day, not in the future). ``entered_at``: when a past slot's follow-up
    was typed in or uploaded (``backfill_followup``).
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
        entered_at=entered_at,
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


@transaction.atomic
def backfill_followup(
    *,
    key_person: KeyPerson,
    client_id: str | uuid.UUID,
    day: date,
    slot: int,
    done_at: time,
    method: str,
    by: Any,
    temperature: Decimal | None = None,
    symptoms: Iterable[str] = (),
    note: str = "",
    now: datetime | None = None,
) -> tuple[FollowUp, bool]:
    """补录: a follow-up done at ``done_at`` on ``day`` but typed in afterwards (the
    evening visit entered after midnight, a grid worker catching up the next
    morning). Stored as ``record_followup`` stores an upload from a phone that was
    offline — the same late-upload rule (today or the previous day, the record under
    control at the time), ``late`` when done after the slot's deadline — with
    ``entered_at`` (now) beside the time it was done, and an audit row naming who
    entered it. The time must lie in the slot's day, not before the slot opened, and
    not after now."""
    now = now or timezone.now()
    today = schedule.local_day(now)
    if day > today:
        raise ValidationError({"day": f"随访日期 {day_label(day)} 晚于今天，请刷新页面"})
    if day < today - timedelta(days=1):
        raise ValidationError(
            {
                "day": f"{day_label(day)}的随访已过补记期限"
                "（只能补录前一天的随访，须在次日24时前补录）"
            }
        )
    done = schedule.at(day, done_at)
    if key_person.ended_by(done):  # what matters first, whatever the slot
        raise ValidationError({"key_person": ENDED_MESSAGE})
    slots = schedule.Policies().slots_for(key_person.area.path, day)
    chosen = next((s for s in slots if s.number == slot), None)
    if chosen is None:
        raise ValidationError({"slot": unknown_slot_message(slot, slots)})
    if done < chosen.opens_at(day):
        raise ValidationError(
            {
                "done_at": f"实际随访时间 {done_at:%H:%M} 早于{chosen.label}时段开始"
                f"（{chosen.opens:%H:%M}），请核对"
            }
        )
    if done > now:
        raise ValidationError(
            {"done_at": f"实际随访时间 {day_label(day)} {done_at:%H:%M} 晚于现在，请核对"}
        )
    followup, created = record_followup(
        key_person=key_person,
        client_id=client_id,
        slot=slot,
        method=method,
        by=by,
        temperature=temperature,
        symptoms=symptoms,
        note=note,
        day=day,
        recorded_at=done,
        now=now,
        entered_at=now,
    )
    if created:
        audit.record(
            action=AuditEvent.Action.CREATE,
            user=by,
            obj=followup,
            detail=f"补录{day_label(day, year=True)}{chosen.label}随访，"
            f"实际随访时间 {done_at:%H:%M}，{'异常' if followup.abnormal else '正常'}",
        )
    return followup, created


def is_backfill(*, key_person: KeyPerson, day: date, recorded_at: datetime, now: datetime) -> bool:
    """Whether a follow-up of ``day`` done at ``recorded_at`` and entered ``now`` is a
    补录 (``backfill_followup``: ``entered_at`` kept, audited), as 今日随访 offers it:
    yesterday's slot, or today's of a record no longer under control (released at
    13:00 after missing the 12:00 slot: its card offers only 补录). A recording time
    outside ``day`` is none: the late-upload rule refuses it in its own words."""
    today = schedule.local_day(now)
    try:
        if schedule.local_day(recorded_at) != day:
            return False
    except OverflowError:  # year 1 or 9999 in some other zone
        return False
    return day == today - timedelta(days=1) or (day == today and key_person.ended_by(now))


class SelfReportRefused(ValueError):
    """The message says, in Chinese, why the key person's own report was not stored."""


SELF_REPORT_NO_SLOT = "现在不在自报时段，本次自报未保存，请在下一个自报时段重新打开本页填写"
SELF_REPORT_TAKEN_ID = "本页的提交编号已被使用，本次自报未保存，请刷新本页后重新填写"
SELF_REPORT_ABNORMAL = (
    "本时段已记录您的异常情况，本次自报未保存；社区工作人员会尽快与您联系，如有变化请直接告知社区"
)
# What the link of a record no longer under control says, per status: the person's own
# situation in their words, nothing of the reason, note or who changed it.
SELF_REPORT_ENDED = {
    KeyPerson.Status.HOSPITAL: "您已转医院，本链接暂停自报；回家后如需继续观察，社区会与您联系",
    KeyPerson.Status.LOST: "社区暂时联系不上您，本链接暂停自报，请尽快与社区（网格员）联系",
    KeyPerson.Status.LEFT: "您已登记为离开本辖区，本链接已停用；如您仍在本辖区，请与社区联系",
}


def self_report_ended_message(record: KeyPerson) -> str:
    """What the self-report link of a record no longer under control says: released,
    the day control ended (local); otherwise the person's situation
    (``SELF_REPORT_ENDED``). The link of an earlier record of someone under control
    again sends them to the new record's link."""
    if KeyPerson.objects.filter(person=record.person_id).active().exclude(pk=record.pk).exists():
        return "本链接已停用，您目前仍在管控中，请使用社区新发给您的自报链接"
    if record.status == KeyPerson.Status.RELEASED:
        if record.ended_at is None:
            return "您的管控已解除，无需再报。感谢您的配合！"
        day = timezone.localdate(record.ended_at)
        return f"您的管控已于{day_label(day)}解除，无需再报。感谢您的配合！"
    return SELF_REPORT_ENDED.get(record.status, "本链接已停用")


@dataclass(frozen=True)
class SelfReportSlot:
    """The slot a self-report sent at some moment counts for: the latest slot of the
    day that has opened by then — after its deadline all the same, then ``late``
    (补记, as ``record_followup`` marks it) —, and the day's next slot, if any."""

    slot: schedule.Slot
    late: bool
    next: schedule.Slot | None


def self_report_slot(slots: list[schedule.Slot], now: datetime) -> SelfReportSlot | None:
    """What a self-report sent ``now`` counts for (None before the day's first slot
    opens: it is refused). ``slots`` are the community's, in order of time."""
    slot = schedule.current_slot(slots, now)
    if slot is None:
        return None
    later = slots[slots.index(slot) + 1 :]
    return SelfReportSlot(
        slot=slot,
        late=now > slot.deadline_at(schedule.local_day(now)),
        next=later[0] if later else None,
    )


def record_self_report(
    *,
    key_person: KeyPerson,
    client_id: str | uuid.UUID,
    temperature: Decimal | None,
    symptoms: Iterable[str] = (),
    note: str = "",
    now: datetime | None = None,
) -> tuple[FollowUp, bool]:
    """The key person's own report (自报) for the slot ``self_report_slot`` names
    (the latest opened by ``now``, late after its deadline). Refused
    (``SelfReportRefused``, nothing written) outside every slot — a page left open
    after the slot closed or past midnight — and once the slot holds an abnormal
    finding: a later report can no longer change it. The same report sent again (its
    ``client_id``) returns the one stored; a ``client_id`` of another record's
    follow-up is refused, never taken as this report. A refusal of
    ``record_followup`` is its ValidationError."""
    now = now or timezone.now()
    if (same := FollowUp.objects.filter(client_id=_client_uuid(client_id)).first()) is not None:
        if same.key_person_id != key_person.pk:
            raise SelfReportRefused(SELF_REPORT_TAKEN_ID)
        return same, False
    counted = self_report_slot(schedule.Policies().slots_for(key_person.area.path), now)
    if counted is None:
        raise SelfReportRefused(SELF_REPORT_NO_SLOT)
    slot = counted.slot
    day = schedule.local_day(now)
    if FollowUp.objects.filter(key_person=key_person, day=day, slot=slot.number, abnormal=True):
        raise SelfReportRefused(SELF_REPORT_ABNORMAL)
    return record_followup(
        key_person=key_person,
        client_id=client_id,
        slot=slot.number,
        method=FollowUp.Method.SELF,
        temperature=temperature,
        symptoms=symptoms,
        note=note,
        by=None,
        now=now,
    )


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
                {"recorded_at": f"补记{day_label(day)}的随访须附上手机上的记录时间"}
            )
        recorded_at = now
    if key_person.ended_by(recorded_at):
        raise ValidationError({"key_person": ENDED_MESSAGE})
    if method not in methods:
        raise ValidationError({"method": METHOD_CHOICE_MESSAGE % {"value": method}})
    slots = schedule.Policies().slots_for(key_person.area.path, day)
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
    call back that nobody answered is a fact too). The attempt that makes the person
    疑似失联 raises its alert (``alert_suspected_lost``)."""
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
    alert_suspected_lost(records=KeyPerson.objects.filter(pk=key_person.pk), now=now)
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
    found = ["method", "temperature", "symptoms", "note", "abnormal"]
    for field in found:
        setattr(recorded, field, getattr(finding, field))
    recorded.recorded_by, recorded.recorded_at = finding.recorded_by, finding.recorded_at
    recorded.entered_at = finding.entered_at
    recorded.late = recorded.late and finding.late
    recorded.save(update_fields=[*found, "recorded_by", "recorded_at", "entered_at", "late"])
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
            label = f"{day_label(due.day, year=True)}{due.slot.label}"
            raise_alert(
                area=record.area,
                kind=Alert.Kind.OVERDUE,
                title=alerting.overdue_title(record, label),
                detail=f"截止 {moment_label(due.deadline, year=True)} 仍无随访记录",
                person=record.person,
                key_person=record,
                source=missed,
            )
            created += int(is_new)
    return created
