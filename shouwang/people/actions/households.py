"""Households (户): created and edited with a history entry each time."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.core.locking import LOCK_CONFLICT_MESSAGE, is_lock_conflict
from shouwang.core.unique import unique_write

from ..addresses import FlatError, in_buildings_message, read_room, read_unit
from ..documents import DocumentError
from ..models import Change, Household
from .history import (
    HOUSEHOLD_FIELDS,
    ConflictError,
    conflict_message,
    diff,
    household_snapshot,
    locked_update,
    record_change,
)


def _check_address_free(household: Household) -> None:
    if (
        Household.objects.filter(area=household.area, unit=household.unit, room=household.room)
        .exclude(pk=household.pk)
        .exists()
    ):
        raise ValidationError("该楼栋已登记相同单元和房号的户")


def _check_household_area(area: Area) -> None:
    if area.kind not in (Area.Kind.BUILDING, Area.Kind.COMPOUND):
        raise ValidationError("户只能登记在楼栋或小区（平房、村民组）下")
    if area.kind == Area.Kind.COMPOUND and area.children.exists():
        raise ValidationError(in_buildings_message(area.name))


@transaction.atomic
def create_household(
    *, area: Area, fields: dict[str, Any], landlord_phone: str = "", by: Any
) -> Household:
    _check_household_area(area)
    household = Household(area=area, **{n: fields.get(n, "") for n in HOUSEHOLD_FIELDS})
    household.housing_type = fields.get("housing_type") or Household.HousingType.OWNED
    try:
        household.set_landlord_phone(landlord_phone)
    except DocumentError as exc:
        raise ValidationError({"landlord_phone": str(exc)}) from exc
    _check_address_free(household)
    with unique_write(lambda: _check_address_free(household)):
        household.save()
    record_change(
        action=Change.Action.CREATE,
        by=by,
        area_id=area.pk,
        household=household,
        changes=diff({}, household_snapshot(household)),
    )
    audit.record(action=AuditEvent.Action.CREATE, user=by, obj=household, area=area)
    return household


def household_at(*, area: Area, unit: str, room: str, by: Any) -> Household:
    """The household at this unit and room of a building, created if not registered yet
    (a resident registering at a checkpoint, a located person from a police list).
    单元 and 房号 are read as the household form reads them ("2单元", "301室" is 2 / 301);
    ValidationError when they name no flat."""
    try:
        where = {"unit": read_unit(unit), "room": read_room(room)}
    except FlatError as exc:
        raise ValidationError({exc.field: str(exc)}) from exc
    same = Household.objects.filter(area=area, **where)
    found = same.first()
    if found is not None:
        return found
    try:
        return create_household(area=area, fields=where, by=by)
    except ValidationError:
        found = same.first()  # registered at this moment by someone else
        if found is None:
            raise
        return found


@transaction.atomic
def update_household(
    *,
    household: Household,
    fields: dict[str, Any],
    landlord_phone: str | None,
    version: int,
    by: Any,
) -> Household:
    """Save an edit made on ``version``; refused with ConflictError if the row moved on.
    ``landlord_phone`` None keeps the stored phone, "" clears it."""
    if household.version != version:
        raise ConflictError(conflict_message(household))
    before = household_snapshot(household)
    for name in HOUSEHOLD_FIELDS:
        if name in fields:
            setattr(household, name, fields[name])
    names = list(HOUSEHOLD_FIELDS)
    if landlord_phone is not None:
        try:
            household.set_landlord_phone(landlord_phone)
        except DocumentError as exc:
            raise ValidationError({"landlord_phone": str(exc)}) from exc
        names += ["landlord_phone_enc", "landlord_phone_hash"]
    _check_address_free(household)
    changes = diff(before, household_snapshot(household))
    if not changes:
        return household
    with unique_write(lambda: _check_address_free(household)):
        locked_update(household, version, names)
    record_change(
        action=Change.Action.UPDATE,
        by=by,
        area_id=household.area_id,
        household=household,
        changes=changes,
    )
    audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=household)
    return household


def move_to_building(*, household: Household, building: Area, version: int, by: Any) -> Household:
    """Move a household registered at its compound before the compound had buildings
    (未分配楼栋) into one of the compound's buildings, with its persons (moved out
    ones too: they stand at their household's place). Its unit and room stay; the
    building must not hold the same flat already. Each person's row moves on a version
    (a person form opened before the move is refused as stale) and gets a history
    entry 户 old address → new. Rows are locked in the ledger's one order
    (``core.locking``: the household, then its persons in id order, then what other
    apps keep about them); should PostgreSQL still cancel the move in a deadlock, it
    is refused as a ConflictError saying so, nothing written."""
    compound = household.area
    try:
        return _move_to_building(household=household, building=building, version=version, by=by)
    except DatabaseError as exc:
        if not is_lock_conflict(exc):
            raise
        household.area = compound  # rolled back
        raise ConflictError(LOCK_CONFLICT_MESSAGE) from exc


@transaction.atomic
def _move_to_building(*, household: Household, building: Area, version: int, by: Any) -> Household:
    from shouwang.cases import actions as case_actions
    from shouwang.watch import actions as watch_actions

    if household.version != version:
        raise ConflictError(conflict_message(household))
    compound = household.area
    if building.kind != Area.Kind.BUILDING or building.parent_id != compound.pk:
        raise ValidationError({"building": f"请选择本小区（{compound.name}）的楼栋"})
    was_at = household.address
    household.area = building
    _check_address_free(household)
    with unique_write(lambda: _check_address_free(household)):
        locked_update(household, version, ["area"])
    record_change(
        action=Change.Action.UPDATE,
        by=by,
        area_id=building.pk,
        household=household,
        changes=[["楼栋", compound.name, f"{compound.name}{building.name}"]],
    )
    persons = household.persons.filter(area=compound)
    moved = list(persons.select_for_update().order_by("pk"))
    # Each person's row changes: a person form opened before the move is stale now.
    persons.update(area=building, version=F("version") + 1, updated_at=timezone.now())
    for person in moved:
        record_change(
            action=Change.Action.UPDATE,
            by=by,
            area_id=building.pk,
            person=person,
            changes=[["户", was_at, household.address]],
        )
    # What other apps keep at the person's place and still work on follows them.
    for follow in (watch_actions.follow_move_to_building, case_actions.follow_move_to_building):
        follow(household=household, persons=moved, compound=compound, building=building, by=by)
    audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=household, area=building)
    return household
