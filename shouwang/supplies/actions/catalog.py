"""Catalog, locations and recipients: saved with an audit row; the stock locations of
an area's checkpoints created and kept in their checkpoints' areas in one action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.checkpoints.models import Checkpoint
from shouwang.core.unique import unique_write

from ..figures import checkpoints_without_location
from ..models import AllocationPlan, Item, ItemPack, Location, Recipient
from .stock import move_stock


def _check_item_name_free(item: Item) -> None:
    if Item.objects.filter(name=item.name).exclude(pk=item.pk).exists():
        raise ValidationError("已有同名的物资，请换一个名称")


@transaction.atomic
def save_item(*, item: Item, packs: list[tuple[str, int]], by: Any, request: Any = None) -> Item:
    """Save an item and replace its pack conversions. Conversions only affect how
    quantities are typed in; stored quantities are base units and never change. An
    item counted in the daily report (``report_as``) counts in the indicator's unit."""
    created = item.pk is None
    _check_item_name_free(item)
    if item.report_as and item.unit != (unit := Item.REPORT_UNITS[item.report_as]):
        raise ValidationError(
            f"日报中的{item.get_report_as_display()}按“{unit}”计数，"
            f"基本单位为“{item.unit}”的物资不能计入；请改用“{unit}”或不计入日报"
        )
    if not created:
        unit = Item.objects.select_for_update().values_list("unit", flat=True).get(pk=item.pk)
        if item.unit != unit and item.in_use():
            raise ValidationError(
                f"{item.name}已有出入库、捐赠或分配记录，数量都按“{unit}”计，不能修改基本单位；"
                "如需改用其他单位，请新建物资品类"
            )
    removed = item.packs.exclude(name__in=[name for name, _ in packs]) if not created else None
    if removed is not None:
        sizes = dict(packs)
        kept = [p.pk for p in item.packs.all() if sizes.get(p.name) == p.size]
        _check_packs_unused(item.packs.exclude(pk__in=kept))
    with unique_write(lambda: _check_item_name_free(item)):
        item.save()
    if removed is not None:
        removed.delete()
    for name, size in packs:
        ItemPack.objects.update_or_create(item=item, name=name, defaults={"size": size})
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=item,
        detail=(
            f"物资品类 {item.name}（{item.unit}）包装：{item.packs_text() or '无'}，"
            f"计入日报：{item.get_report_as_display() or '不计入'}"
        ),
    )
    return item


def _check_packs_unused(changed: models.QuerySet[ItemPack]) -> None:
    """A pack an allocation plan not yet issued rounds to stays as it is: deleting
    it would silently drop the plan's rounding, resizing it leave the plan's lines
    in packs of the old size (an issued plan's quantities are stored)."""
    used = (
        AllocationPlan.objects.filter(round_to_pack__in=changed)
        .exclude(status=AllocationPlan.Status.ISSUED)
        .values_list("round_to_pack__name", flat=True)
    )
    names = sorted(set(used))
    if names:
        packs = "、".join(f"“{n}”" for n in names)
        raise ValidationError(
            f"包装{packs}正被尚未发放的分配方案用于取整，不能删除或修改折合数量；"
            "请先修改或发放这些方案"
        )


def _save_scoped(
    obj: models.Model,
    *,
    label: str,
    by: Any,
    request: Any,
    check: Callable[[], None] | None = None,
) -> None:
    """Save a location or recipient, unique by name in its area (and what ``check``
    also refuses)."""
    created = obj.pk is None

    def check_free() -> None:
        if type(obj).objects.filter(area=obj.area, name=obj.name).exclude(pk=obj.pk).exists():
            raise ValidationError(f"所属辖区已有同名的{label}，请换一个名称")
        if check is not None:
            check()

    check_free()
    with unique_write(check_free):
        obj.save()
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=obj,
        area=obj.area,
        detail=f"{label}：{obj}",
    )


def _check_checkpoint_free(location: Location) -> None:
    """One location per checkpoint (the form offers only checkpoints without one)."""
    if (
        location.checkpoint_id is not None
        and Location.objects.filter(checkpoint=location.checkpoint_id)
        .exclude(pk=location.pk)
        .exists()
    ):
        raise ValidationError(f"卡点“{location.checkpoint.name}”已有存放点，请刷新页面后另选")


# Where a 街道仓库 may lie (``LocationQuerySet.transfer_targets``).
WAREHOUSE_AREAS = (Area.Kind.DISTRICT, Area.Kind.SUBDISTRICT)


@transaction.atomic
def save_location(*, location: Location, by: Any, request: Any = None) -> Location:
    """A location linked to a checkpoint lies in the checkpoint's area. A location
    holding stock stays active: the figures count active locations only. A location
    moved to another area takes its stock along through the ledger (``move_stock``)."""
    before = None
    if location.pk is not None:
        before = Location.objects.select_for_update(no_key=True).get(pk=location.pk)
    if before is not None and not location.active:
        held = location.balances.in_stock().select_related("item").prefetch_related("item__packs")
        if held:
            stock = "、".join(f"{b.item.name}{b.item.describe(b.quantity)}" for b in held)
            raise ValidationError(f"{location.name}仍有库存：{stock}，请先调出或盘点后再停用")
    if location.checkpoint_id is not None:
        if location.kind != Location.Kind.CHECKPOINT:
            raise ValidationError("只有卡点类型的存放点才能对应卡点")
        location.area = location.checkpoint.area
    area = location.area if location.area_id else None
    if location.kind == Location.Kind.WAREHOUSE and area and area.kind not in WAREHOUSE_AREAS:
        # The stores below return stock to their sub-district's warehouse only.
        raise ValidationError(
            f"街道仓库应设在街道/乡镇（或区县）一级：{location.area.name}是"
            f"{location.area.get_kind_display()}，请改选所属街道，或选择社区库房等其他类型"
        )
    _save_scoped(
        location,
        label="存放点",
        by=by,
        request=request,
        check=lambda: _check_checkpoint_free(location),
    )
    if before is not None and before.area_id != location.area_id:
        move_stock(location=location, from_area=before.area, by=by)
    return location


@dataclass
class SyncResult:
    created: int = 0
    linked: int = 0
    moved: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.linked + self.moved

    def __str__(self) -> str:
        if not self.changed:
            return "卡点存放点已是最新，无需调整"
        parts = [
            f"{label} {n} 个"
            for label, n in (
                ("新建卡点存放点", self.created),
                ("关联已有存放点", self.linked),
                ("按卡点调整辖区", self.moved),
            )
            if n
        ]
        return "，".join(parts)


def _free_name(area: Any, wanted: str, *, exclude: int | None = None) -> str:
    """``wanted``, or ``wanted（2）``… when another location of ``area`` has the name."""
    taken = set(
        Location.objects.filter(area=area, name__startswith=wanted)
        .exclude(pk=exclude)
        .values_list("name", flat=True)
    )
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted}（{n}）"
    return name


@transaction.atomic
def sync_checkpoint_locations(*, area: Any, by: Any, request: Any = None) -> SyncResult:
    """Give every active checkpoint of ``area`` a stock location and keep each linked
    location in its checkpoint's area. A checkpoint without one adopts an unlinked
    checkpoint location of the same name in its area, else gets a new one named after
    it (its people then come from the checkpoint's staff). Nothing is written to the
    checkpoints app; a second run changes nothing."""
    result = SyncResult()
    checkpoints = Checkpoint.objects.within(area).select_related("area").in_bulk()
    for location in Location.objects.select_for_update().filter(checkpoint__in=list(checkpoints)):
        checkpoint = checkpoints[location.checkpoint_id]
        if location.area_id != checkpoint.area_id:
            from_area = location.area
            location.area = checkpoint.area
            location.name = _free_name(checkpoint.area, location.name, exclude=location.pk)
            location.save(update_fields=["area", "name", "updated_at"])
            move_stock(location=location, from_area=from_area, by=by)
            result.moved += 1
    for checkpoint in checkpoints_without_location(area).select_related("area").order_by("pk"):
        orphan = (
            Location.objects.select_for_update()
            .of_kind(Location.Kind.CHECKPOINT)
            .filter(area=checkpoint.area, name=checkpoint.name, checkpoint__isnull=True)
            .first()
        )
        try:
            with transaction.atomic():
                if orphan is not None:
                    orphan.checkpoint = checkpoint
                    orphan.save(update_fields=["checkpoint", "updated_at"])
                    result.linked += 1
                else:
                    Location.objects.create(
                        kind=Location.Kind.CHECKPOINT,
                        checkpoint=checkpoint,
                        area=checkpoint.area,
                        name=_free_name(checkpoint.area, checkpoint.name),
                    )
                    result.created += 1
        except IntegrityError:
            continue  # someone synced the same checkpoint at this moment: theirs stands
    if result.changed:
        audit.record(
            action=AuditEvent.Action.UPDATE,
            request=request,
            user=by,
            area=area,
            detail=f"同步卡点存放点：{result}",
        )
    return result


@transaction.atomic
def save_recipient(*, recipient: Recipient, by: Any, request: Any = None) -> Recipient:
    _save_scoped(recipient, label="领用单位", by=by, request=request)
    return recipient
