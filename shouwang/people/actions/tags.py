"""Person tags (独居老人, 残疾人 …), editable by HQ."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from ..models import Tag


@transaction.atomic
def save_tag(*, tag: Tag, by: Any) -> Tag:
    created = tag.pk is None
    tag.save()
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        user=by,
        obj=tag,
        detail=f"人员标签：{tag.name}",
    )
    return tag
