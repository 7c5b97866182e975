"""Person tags (独居老人, 残疾人 …), editable by HQ."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.unique import unique_write

from ..models import Tag


def _check_name_free(tag: Tag) -> None:
    if Tag.objects.filter(name=tag.name).exclude(pk=tag.pk).exists():
        raise ValidationError({"name": "已有同名的标签，请换一个名称"})


@transaction.atomic
def save_tag(*, tag: Tag, by: Any) -> Tag:
    created = tag.pk is None
    _check_name_free(tag)
    with unique_write(lambda: _check_name_free(tag)):
        tag.save()
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        user=by,
        obj=tag,
        detail=f"人员标签：{tag.name}",
    )
    return tag
