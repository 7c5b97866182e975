"""The list of treatment institutions (收治机构), kept by HQ: entries added, renamed,
taken off the list, and two spellings of one institution merged. Every change is
audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from ..models import Case, TreatmentInstitution


def _clean_name(name: str) -> str:
    name = " ".join(name.replace("\u3000", " ").split())
    if not name:
        raise ValidationError("请填写机构名称")
    return name


@transaction.atomic
def save_institution(
    *, institution: TreatmentInstitution, by: Any, request: HttpRequest | None = None
) -> TreatmentInstitution:
    """Add or change an entry; names are unique (spaces trimmed and collapsed)."""
    created = institution.pk is None
    institution.name = _clean_name(institution.name)
    same = TreatmentInstitution.objects.filter(name=institution.name).exclude(pk=institution.pk)
    if same.exists():
        raise ValidationError("已有同名的收治机构；同一机构的两种写法请用“合并”")
    try:
        with transaction.atomic():
            institution.save()
    except IntegrityError as exc:  # the same name saved at the same moment elsewhere
        raise ValidationError("已有同名的收治机构；同一机构的两种写法请用“合并”") from exc
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=institution,
        detail=f"收治机构：{institution.name}（{institution.get_kind_display()}）"
        f"{'' if institution.active else '，停用'}",
    )
    return institution


@transaction.atomic
def merge_institution(
    *,
    institution: TreatmentInstitution,
    into: TreatmentInstitution,
    by: Any,
    request: HttpRequest | None = None,
) -> int:
    """Merge ``institution`` (another spelling of ``into``) into ``into``: its cases
    are treated at ``into`` from now on and the entry is removed. Returns how many
    cases moved."""
    if institution.pk == into.pk:
        raise ValidationError("请选择另一家机构合并")
    locked = TreatmentInstitution.objects.select_for_update().filter(
        pk__in=[institution.pk, into.pk]
    )
    if len(locked) != 2:
        raise ValidationError("所选机构已不存在，请刷新页面")
    moved = Case.objects.filter(institution=institution).update(institution=into)
    name = institution.name
    institution.delete()
    audit.record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=into,
        detail=f"合并收治机构：“{name}”并入“{into.name}”，病例 {moved} 例改为该机构",
    )
    return moved
