"""Status changes, extensions of the observation period and release."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from .. import schedule
from ..models import (
    KeyPerson,
    KeyPersonEvent,
)
from .lookups import active_key_person


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
    if refused := record.move_refused(status):
        raise ValidationError(refused)
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
        # A record a newer one followed is history (``KeyPersonQuerySet.to_resume``).
        if not KeyPerson.objects.filter(pk=record.pk).latest_of_their_person().exists():
            newer = (
                KeyPerson.objects.filter(person=record.person_id, created_at__gte=record.created_at)
                .exclude(pk=record.pk)
                .order_by("-created_at", "-pk")
                .first()
            )
            raise ValidationError(
                f"此人在本记录之后已有新的记录（编号 {newer.pk if newer else '—'}），"
                "本记录不再恢复管控；如需管控，请重新登记"
            )
    old = record.status
    now = timezone.now()
    if (
        status == KeyPerson.Status.ACTIVE
        and record.ended_at is not None
        and reason != KeyPerson.Reason.CORRECTION
    ):
        # The spell out of control owed no follow-up, and still owes none; a change
        # undone as a mistake (更正误操作) was no spell: the person was under control.
        record.pauses = [*record.pauses, [record.ended_at.isoformat(), now.isoformat()]]
    record.status = status
    record.ended_at = None if status == KeyPerson.Status.ACTIVE else now
    record.save(update_fields=["status", "ended_at", "pauses", "updated_at"])
    # The same moment as ended_at (control resumed: the end of 疑似失联's tries).
    KeyPersonEvent.objects.create(
        key_person=record,
        kind=KeyPersonEvent.Kind.STATUS,
        from_status=old,
        to_status=status,
        reason=reason,
        note=note[:200],
        by=by,
        at=now,
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
    today = schedule.local_day(timezone.now())
    if new_end <= today:  # a day behind us would observe nothing more
        raise ValidationError(f"新的解除日期应晚于今天（{today:%Y-%m-%d}）")
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
        # Release after an extension for the gap counts the slots from this moment.
        at=timezone.now(),
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
