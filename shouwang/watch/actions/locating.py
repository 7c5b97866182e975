"""The police list's people to locate: located, not here, left."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from ..models import (
    KeyPerson,
    LocateTask,
)
from .lookups import active_key_person
from .registration import (
    check_no_record_to_resume,
    find_or_create_person,
    period_served,
    register_key_person,
)
from .undo import decision_before


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
    missing and registered as a key person — unless the category's period, counted
    from the arrival, is over by now: the task's note says so), not here, or left."""
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
        today = timezone.localdate()
        served = period_served(task.arrival_date, category=task.category, today=today)
        record = active_key_person(person)
        if record is None and served is not None:
            days = task.category.default_days
            why = f"观察期（{days}天）已于 {served:%Y-%m-%d} 期满，未列为重点人员"
            note = f"{why}；{note}" if note else why
        elif record is None:
            check_no_record_to_resume(person, by=by)  # as 登记: their 失联/转医院 record resumes
            record = register_key_person(
                person=person,
                category=task.category,
                source=KeyPerson.Source.POLICE,
                measure=task.measure,
                start_date=task.arrival_date or today,
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


@transaction.atomic
def reopen_locate_task(*, task: LocateTask, reason: str, by: Any) -> LocateTask:
    """A task closed by mistake (查无此人 or 已离开 recorded for someone who is in fact
    here) goes back to 待查找, with the reason; the audit row keeps what it was, who
    decided it and when. Refused, nothing written, for any other task
    (``LocateTask.reopen_refused``), without a reason, and when the same person has been
    listed to locate again since (one task pending per document)."""
    task = LocateTask.objects.select_for_update().get(pk=task.pk)
    if refused := task.reopen_refused():
        raise ValidationError(refused)
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写恢复查找的原因")
    again = (
        LocateTask.objects.pending()
        .filter(community=task.community_id, doc_hash=task.doc_hash)
        .exclude(pk=task.pk)
        .first()
    )
    if again is not None:
        listed = timezone.localtime(again.created_at)
        raise ValidationError(
            f"名单中此人已有一条待查找记录（{listed:%Y-%m-%d %H:%M}下发），请在该记录上处理"
        )
    before = decision_before(task.get_status_display(), task.decided_by, task.decided_at, task.note)
    task.status = LocateTask.Status.PENDING
    task.note = f"恢复查找：{reason}"[:200]
    task.decided_at, task.decided_by = None, None
    task.save(update_fields=["status", "note", "decided_at", "decided_by"])
    audit.record(
        action=AuditEvent.Action.STATUS,
        user=by,
        obj=task,
        area=task.community,
        detail=f"恢复待查找（{before}）；原因：{reason}"[:1000],
    )
    return task
