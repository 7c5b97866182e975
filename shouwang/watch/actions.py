"""Workflows of the key-person module. Other apps raise alerts and leads through
``raise_alert`` and ``create_lead``; both are idempotent per source row."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from .models import Alert, KeyPerson, Lead


def raise_alert(
    *,
    area: Any,
    kind: str,
    title: str,
    detail: str = "",
    person: Any = None,
    key_person: KeyPerson | None = None,
    source: Any = None,
) -> Alert:
    """Record an alert for ``area`` (shown to its community and HQ). ``source`` is the
    row that caused it; raising twice for the same source and kind returns the first."""
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
    return KeyPerson.objects.active().for_person(person.pk).select_related("category").first()
