"""The audited reveal of one personal-data value, rate-limited per user."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core import pii

from ..models import Household, Person

REVEALABLE = {
    "document": ("证件号码", lambda p: p.document_number),
    "phone": ("手机号", lambda p: p.phone),
}


class TooManyReveals(Exception):
    """The user has revealed ``PEOPLE_REVEALS_PER_HOUR`` values within the last hour."""

    message = (
        "查看完整信息过于频繁（每小时最多 {limit} 次），请稍后再试；需要成批的完整信息请申请导出"
    )


def reveal(*, obj: Person | Household, field: str, request: HttpRequest) -> str:
    """The full value of one personal-data field, with an audit row naming the field
    (never the value). ``field``: "document" or "phone" of a person, "landlord_phone"
    of a household. At most ``PEOPLE_REVEALS_PER_HOUR`` a user and hour, counted from
    the audit log (every process sees the same count): one value after another must
    not become the unmasked export the role is not given (TooManyReveals, audited)."""
    if isinstance(obj, Household):
        if field != "landlord_phone":
            raise ValueError(field)
        label = "房东电话"
    else:
        label = REVEALABLE[field][0]
    limit = settings.PEOPLE_REVEALS_PER_HOUR
    recent = AuditEvent.objects.filter(
        action=AuditEvent.Action.REVEAL,
        at__gte=timezone.now() - timedelta(hours=1),
        user=request.user,
        result=AuditEvent.Result.OK,
    )
    if recent.count() >= limit:
        audit.record(
            action=AuditEvent.Action.REVEAL,
            request=request,
            obj=obj,
            result=AuditEvent.Result.DENIED,
            detail=f"查看完整{label}：超过每小时 {limit} 次",
        )
        raise TooManyReveals(TooManyReveals.message.format(limit=limit))
    if isinstance(obj, Household):
        value = pii.decrypt(obj.landlord_phone_enc)
    else:
        value = REVEALABLE[field][1](obj)
    audit.record(
        action=AuditEvent.Action.REVEAL, request=request, obj=obj, detail=f"查看完整{label}"
    )
    return value
