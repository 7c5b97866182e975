"""Leads (线索): confirmed into a key-person record, or dismissed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from ..models import (
    Category,
    KeyPerson,
    KeyPersonEvent,
    Lead,
    LeadEvent,
)
from .lookups import active_key_person
from .registration import (
    Identity,
    check_no_record_to_resume,
    find_or_create_person,
    register_key_person,
)
from .undo import decision_before


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
        raise ValidationError(lead.decided_message)
    record = active_key_person(person)
    created = record is None
    if record is None:
        check_no_record_to_resume(person, by=by)
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
    LeadEvent.objects.create(
        lead=lead,
        kind=LeadEvent.Kind.CONFIRMED,
        note=(note.strip() or ("列为重点人员" if created else "关联到管控中的记录"))[:200],
        by=by,
        at=lead.decided_at,
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
        raise ValidationError(lead.decided_message)
    if not note.strip():
        raise ValidationError("请填写排除理由")
    lead.status = Lead.Status.DISMISSED
    lead.decided_at = timezone.now()
    lead.decided_by = by
    lead.decided_note = note.strip()[:200]
    lead.save(update_fields=["status", "decided_at", "decided_by", "decided_note"])
    LeadEvent.objects.create(
        lead=lead, kind=LeadEvent.Kind.DISMISSED, note=lead.decided_note, by=by, at=lead.decided_at
    )
    audit.record(
        action=AuditEvent.Action.STATUS, user=by, obj=lead, detail=f"线索已排除：{note}"[:1000]
    )
    return lead


@transaction.atomic
def reopen_lead(*, lead: Lead, reason: str, by: Any) -> Lead:
    """A lead dismissed by mistake goes back to 待核实 (恢复待核实), to be confirmed or
    dismissed again. The reason is required; the lead's history gets the step, and the
    audit row keeps the old outcome (who dismissed it, when, why). Refused, nothing
    written, for a lead not dismissed (``Lead.reopen_refused``)."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if refused := lead.reopen_refused:
        raise ValidationError(refused)
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写恢复核实的原因")
    before = decision_before(
        lead.get_status_display(), lead.decided_by, lead.decided_at, lead.decided_note
    )
    lead.status = Lead.Status.NEW
    lead.decided_at, lead.decided_by, lead.decided_note = None, None, ""
    lead.save(update_fields=["status", "decided_at", "decided_by", "decided_note"])
    LeadEvent.objects.create(lead=lead, kind=LeadEvent.Kind.REOPENED, note=reason[:200], by=by)
    audit.record(
        action=AuditEvent.Action.STATUS,
        user=by,
        obj=lead,
        detail=f"线索恢复待核实（{before}）；原因：{reason}"[:1000],
    )
    return lead
