"""The indicators HQ keeps: add, edit, retire, reorder."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.unique import unique_write

from .. import catalog
from ..models import IndicatorDefinition


@transaction.atomic
def save_definition(
    *, definition: IndicatorDefinition, by: Any, request: HttpRequest | None = None
) -> IndicatorDefinition:
    """Save an indicator HQ added or edited; a new one is a manual indicator. The
    audit row says what an edit changed (名称 A→B, 零报告须为0 否→是 …)."""
    created = definition.pk is None
    if created:
        definition.source = IndicatorDefinition.Source.MANUAL
        detail = f"新增日报指标 {definition.code}（{definition.label}）"
    else:
        before = IndicatorDefinition.objects.select_for_update().get(pk=definition.pk)
        changes = "；".join(
            f"{field.verbose_name} {_shown(before, field)}→{_shown(definition, field)}"
            for field in IndicatorDefinition._meta.concrete_fields
            if field.name in EDITED_FIELDS
            and getattr(before, field.attname) != getattr(definition, field.attname)
        )
        detail = f"修改日报指标 {definition.code}" + (f"：{changes}" if changes else "")
    definition.check_code_free()
    with unique_write(definition.check_code_free):
        definition.save()
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=definition,
        detail=detail,
    )
    return definition


#: The fields of an indicator HQ edits, named in the audit row of an edit.
EDITED_FIELDS = ("label", "unit", "kind", "incident", "order", "description")


def _shown(definition: IndicatorDefinition, field: Any) -> str:
    value = getattr(definition, field.attname)
    if isinstance(value, bool):
        return "是" if value else "否"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value) if value != "" else "（空）"


@transaction.atomic
def set_definition_active(
    *,
    definition: IndicatorDefinition,
    active: bool,
    by: Any,
    request: HttpRequest | None = None,
) -> IndicatorDefinition:
    """Retire (停用) or re-enable an indicator; audited. Asking for the state it is
    already in changes nothing (a double tap on 停用 keeps it retired)."""
    definition = IndicatorDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.active == active:
        return definition
    definition.active = active
    definition.save(update_fields=["active", "updated_at"])
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=definition,
        detail=("启用" if active else "停用") + f"日报指标 {definition.code}",
    )
    return definition


@transaction.atomic
def move_definition(
    *,
    definition: IndicatorDefinition,
    up: bool,
    by: Any,
    request: HttpRequest | None = None,
) -> None:
    """Swap an indicator with the one above (or below) it in HQ's order, renumbering
    all of them 10, 20, 30 …; audited. The first one up, or the last one down, stays."""
    rows = catalog.all_definitions()
    index = next(i for i, row in enumerate(rows) if row.pk == definition.pk)
    target = index - 1 if up else index + 1
    if not 0 <= target < len(rows):
        return
    rows[index], rows[target] = rows[target], rows[index]
    for order, row in enumerate(rows, start=1):
        row.order = order * 10
    IndicatorDefinition.objects.bulk_update(rows, ["order"])
    audit.record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=definition,
        detail=("上移" if up else "下移") + f"日报指标 {definition.code}",
    )
