"""Supplies test data: items, locations and stock, built through the actions."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps

from shouwang.areas.models import Area

from .. import actions
from ..actions import receive_stock
from ..models import Item, Location, Movement, MovementKind

# Whom the tests issue stock to: an issue (发放) must name its recipient.
RECIPIENT = "西城花园卡点"


def catalog() -> None:
    """The seeded catalog (migration 0002) with its daily-report roles (0007);
    transactional tests flush it, so re-seed."""
    for migration in ("0002_catalog", "0007_seed_report_as"):
        importlib.import_module(f"shouwang.supplies.migrations.{migration}").seed(apps, None)


def item(name: str = "医用口罩") -> Item:
    """An item of the seeded catalog."""
    found = Item.objects.filter(name=name).first()
    if found is None:
        catalog()
        found = Item.objects.get(name=name)
    return found


def location(
    area: Area, name: str | None = None, kind: str = "", staff: int | None = None
) -> Location:
    kind = kind or (
        Location.Kind.WAREHOUSE
        if area.kind == Area.Kind.SUBDISTRICT
        else Location.Kind.COMMUNITY
        if area.kind == Area.Kind.COMMUNITY
        else Location.Kind.CHECKPOINT
    )
    return Location.objects.create(
        name=name or f"{area.name}{Location.Kind(kind).label}",
        kind=kind,
        area=area,
        staff_count=staff,
    )


def stock(where: Location, quantity: int, what: Item | None = None, by: Any = None) -> None:
    receive_stock(item=what or item(), location=where, quantity=quantity, by=by)


def record_out(**fields: Any) -> tuple[Movement, bool]:
    """``actions.record_out`` as the tests call it: an issue goes to ``RECIPIENT``
    unless it names another."""
    if fields.get("kind") == MovementKind.ISSUE:
        fields.setdefault("recipient", RECIPIENT)
    return actions.record_out(**fields)


def goods_form(store: Location | None, *lines: dict, **fields) -> dict:
    """The donation form (``supplies:donation_create``) for goods given by a company
    and received into ``store``; each of ``lines`` holds one line's fields by their
    short names (``item``, ``quantity``, ``unit``, ``estimated_value``)."""
    data = {
        "donor_kind": "organisation",
        "donor_name": "河南宝山高科有限责任公司",
        "disclosure": "named",
        "kind": "goods",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
    }
    if store is not None:
        data |= {"location": store.pk, "received": "on"}
    for n, line in enumerate(lines):
        data |= {f"lines-{n}-{name}": value for name, value in line.items()}
    return data | fields


def plan_form(source: Location, **fields: Any) -> dict:
    """The 新建分配方案 form for the checkpoints' masks: one per person a shift, three
    shifts a day, seven days, from ``source`` (``fields`` override)."""
    return {
        "title": "卡点口罩",
        "item": item().pk,
        "source": source.pk,
        "target": "checkpoint",
        "per_person": "1",
        "shifts_per_day": "3",
        "days": "7",
        **fields,
    }
