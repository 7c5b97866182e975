"""疑似失联: a key person whose follow-ups reached nobody in the community's number of
slots (``schedule.suspected_lost``) raises an alert to the community and HQ, once per
episode — until a follow-up reaches the person again, or control resumes."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from .. import alerting, schedule
from ..models import Alert, ContactAttempt, FollowUp, KeyPerson, KeyPersonQuerySet
from .alerts import raise_alert


@transaction.atomic
def alert_suspected_lost(
    *,
    records: KeyPersonQuerySet,
    now: datetime | None = None,
    policies: schedule.Policies | None = None,
) -> int:
    """Raise the 疑似失联 alert of each record under control among ``records`` that is
    suspected lost and has no such alert for this episode (the attempts since its last
    follow-up); returns how many were raised. The alert's source is the episode's first
    attempt, so raising again — the next attempt, the scheduled job — adds nothing; a
    follow-up ends the episode, and the next one alerts anew. Idempotent. ``now``: when
    it is found (the alert's time), default now."""
    records = records.active()
    found = schedule.suspected_lost(
        records.schedule_rows(),
        attempts=ContactAttempt.objects.filter(key_person__in=records),
        followups=FollowUp.objects.filter(key_person__in=records),
        policies=policies,
    )
    if not found:
        return 0
    source_type = ContactAttempt._meta.label
    alerted: dict[int, set[str]] = {}
    for key_person_id, source_id in Alert.objects.filter(
        kind=Alert.Kind.LOST,
        source_type=source_type,
        key_person_id__in=[lost.key_person_id for lost in found],
    ).values_list("key_person_id", "source_id"):
        alerted.setdefault(key_person_id, set()).add(source_id)
    new = [
        lost
        for lost in found
        if not alerted.get(lost.key_person_id, set()) & {str(a.pk) for a in lost.unreached}
    ]
    full = KeyPerson.objects.select_related("area__parent", "person", "category").in_bulk(
        [lost.key_person_id for lost in new]
    )
    for lost in new:
        record = full[lost.key_person_id]
        raise_alert(
            area=record.area,
            kind=Alert.Kind.LOST,
            title=alerting.lost_title(record, lost),
            detail=alerting.lost_detail(lost),
            person=record.person,
            key_person=record,
            source=lost.unreached[0],
            at=now,
        )
    return len(new)
