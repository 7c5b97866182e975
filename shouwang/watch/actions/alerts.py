"""Alerts and leads, as other apps raise them (``raise_alert``, ``create_lead``; both
idempotent per source row), an alert handled, and an alert warranted again by its
source (``restate_alert``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core import pii

from ..models import (
    Alert,
    KeyPerson,
    Lead,
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
    """Record an alert for ``area`` (shown to its community and HQ), any phone or ID
    number in its text masked (a note quoted in it). ``source`` is the
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
                title=pii.mask_in_text(title)[:200],
                detail=pii.mask_in_text(detail),
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


@transaction.atomic
def handle_alert(*, alert: Alert, by: Any, note: str = "") -> Alert:
    """Mark ``alert`` handled, once: the community and HQ see the same alert, and the
    second to press (their page read it open) is refused, the first one's note kept."""
    if Alert.objects.select_for_update().get(pk=alert.pk).handled_at is not None:
        raise ValidationError("该预警已处置")
    alert.mark_handled(by=by, note=note)
    audit.record(
        action=AuditEvent.Action.UPDATE,
        user=by,
        obj=alert,
        # The note as the alert keeps it: any phone or ID number masked.
        detail=f"预警已处置{'：' + alert.handled_note if alert.handled_note else ''}"[:1000],
    )
    return alert


@transaction.atomic
def restate_alert(
    *, kind: str, source: Any, by: Any, title: str, note: str, settled_prefix: str
) -> Alert | None:
    """The row that raised a ``kind`` alert warrants it still or again, for a changed
    reason (a fever reading corrected to another fever, or back to a fever after a
    correction settled it): the alert says ``title``, and if it was settled by its source
    (handled with a note starting ``settled_prefix``, as corrections did before 复测 kept
    the first reading) it is open again. One
    handled by a person keeps its handling. Audited with ``note`` when it changed; None
    when the row raised no such alert."""
    alert = (
        Alert.objects.select_for_update()
        .filter(kind=kind, source_type=source._meta.label, source_id=str(source.pk))
        .first()
    )
    if alert is None:
        return None
    reopen = alert.handled_at is not None and alert.handled_note.startswith(settled_prefix)
    title = pii.mask_in_text(title)[:200]
    if alert.title == title and not reopen:
        return alert
    alert.title = title
    fields = ["title"]
    if reopen:
        alert.handled_at, alert.handled_by, alert.handled_note = None, None, ""
        fields += ["handled_at", "handled_by", "handled_note"]
    alert.save(update_fields=fields)
    audit.record(
        action=AuditEvent.Action.UPDATE,
        user=by,
        obj=alert,
        detail=f"{'预警重新打开' if reopen else '预警已更新'}：{note}"[:1000],
    )
    return alert
