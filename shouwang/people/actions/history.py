"""Shared by the ledger's workflows: the history entry of each change, and
optimistic locking on ``version``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from shouwang.core.text import moment_label

from ..models import Change, Household, Person, Tag

HOUSEHOLD_FIELDS = ["unit", "room", "housing_type", "landlord_name", "notes"]
PERSON_FIELDS = ["relation", "residence_type", "party_member", "notes"]


class ConflictError(Exception):
    """Someone saved the same row since it was loaded; the message says so in Chinese."""


def _display(obj: models.Model, name: str) -> str:
    value = getattr(obj, name)
    field = obj._meta.get_field(name)
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def household_snapshot(household: Household) -> dict[str, str]:
    shown = {_label(Household, n): _display(household, n) for n in HOUSEHOLD_FIELDS}
    shown["房东电话"] = household.landlord_phone_masked
    return shown


def birth_shown(person: Person) -> dict[str, str]:
    """出生日期 and 性别 for the history: a birth date read from the document is not
    spelled out (it is what a masked number hides), one entered by hand is."""
    born = ""
    if person.birth_date is not None:
        carried = person.document_facts()[0] is not None
        born = "由证件号码带出" if carried else person.birth_date.isoformat()
    return {"出生日期": born, "性别": person.get_sex_display()}


def person_snapshot(person: Person, tags: Iterable[Tag] | None = None) -> dict[str, str]:
    shown = {
        "姓名": person.name,
        "证件类型": person.get_doc_type_display(),
        "证件号码": person.document_masked,
        "手机号": person.phone_masked,
        **birth_shown(person),
        "户": person.household.address if person.household_id else "",
    }
    shown |= {_label(Person, n): _display(person, n) for n in PERSON_FIELDS}
    if tags is not None:
        shown["标签"] = "、".join(t.name for t in tags)
    return shown


def diff(before: dict[str, str], after: dict[str, str]) -> list[list[str]]:
    return [
        [label, before.get(label, ""), value]
        for label, value in after.items()
        if before.get(label, "") != value
    ]


def record_change(
    *,
    action: str,
    by: Any,
    area_id: int,
    household: Household | None = None,
    person: Person | None = None,
    changes: list[list[str]] | None = None,
) -> Change:
    return Change.objects.create(
        action=action,
        area_id=area_id,
        household=household,
        person=person,
        by=by,
        by_name=str(by) if by is not None else "",
        changes=changes or [],
    )


def conflict_message(obj: Household | Person) -> str:
    last = Change.objects.filter(**{obj._meta.model_name: obj}).order_by("-at", "-id").first()
    who = f"{last.by_name or '他人'}于{moment_label(last.at)}" if last else "他人"
    return (
        f"保存失败：这条记录刚被{who}修改过。为避免覆盖对方的修改，本次未保存；"
        "请刷新页面查看最新内容后重新修改。"
    )


def locked_update(obj: Household | Person, version: int, names: list[str]) -> None:
    """Write ``names`` only if the row still has ``version``; else ConflictError."""
    model = type(obj)
    now = timezone.now()
    values = {n: getattr(obj, n) for n in names}
    updated = model.objects.filter(pk=obj.pk, version=version).update(
        **values, version=version + 1, updated_at=now
    )
    if not updated:
        raise ConflictError(conflict_message(obj))
    obj.version, obj.updated_at = version + 1, now
