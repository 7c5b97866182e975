"""Catalog, locations and recipients: saved with an audit row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from ..models import Item, ItemPack, Location, Recipient


@transaction.atomic
def save_item(*, item: Item, packs: list[tuple[str, int]], by: Any, request: Any = None) -> Item:
    """Save an item and replace its pack conversions. Conversions only affect how
    quantities are typed in; stored quantities are base units and never change."""
    created = item.pk is None
    if Item.objects.filter(name=item.name).exclude(pk=item.pk).exists():
        raise ValidationError(f"已有名为“{item.name}”的物资")
    item.save()
    item.packs.exclude(name__in=[name for name, _ in packs]).delete()
    for name, size in packs:
        ItemPack.objects.update_or_create(item=item, name=name, defaults={"size": size})
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=item,
        detail=f"物资品类 {item.name}（{item.unit}）包装：{item.packs_text() or '无'}",
    )
    return item


def _save_scoped(obj: models.Model, *, label: str, by: Any, request: Any) -> None:
    created = obj.pk is None
    if type(obj).objects.filter(area=obj.area, name=obj.name).exclude(pk=obj.pk).exists():
        raise ValidationError(f"{obj.area.name}已有名为“{obj.name}”的{label}")
    obj.save()
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=obj,
        area=obj.area,
        detail=f"{label}：{obj}",
    )


@transaction.atomic
def save_location(*, location: Location, by: Any, request: Any = None) -> Location:
    _save_scoped(location, label="存放点", by=by, request=request)
    return location


@transaction.atomic
def save_recipient(*, recipient: Recipient, by: Any, request: Any = None) -> Recipient:
    _save_scoped(recipient, label="领用单位", by=by, request=request)
    return recipient
