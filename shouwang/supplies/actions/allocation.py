"""Allocation plans: computed from workload, reviewed, issued in one action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from ..models import (
    MAX_UNITS,
    AllocationLine,
    AllocationPlan,
    Item,
    ItemPack,
    Location,
    MovementKind,
    Recipient,
)
from .stock import Entry, once, post_movements, shortage_message, transfer_entries

Target = AllocationPlan.Target


def _targets(plan: AllocationPlan) -> list[tuple[Location | None, Recipient | None, int]]:
    if plan.target == Target.RECIPIENTS:
        return [(None, r, r.employees) for r in Recipient.objects.within(plan.area).active()]
    locations = Location.objects.within(plan.area).active().exclude(pk=plan.source_id)
    if plan.target == Target.CHECKPOINTS:
        locations = locations.of_kind(Location.Kind.CHECKPOINT).serving_open_checkpoints()
    else:
        locations = locations.of_kind(Location.Kind.COMMUNITY)
    return [(loc, None, loc.headcount) for loc in locations.with_headcount()]


def _check_params(
    *,
    item: Item,
    source: Location,
    per_person: Decimal,
    shifts_per_day: int,
    days: int,
    round_to_pack: ItemPack | None,
) -> None:
    if per_person is None or per_person <= 0:
        raise ValidationError("每人每班用量应大于0")
    if not shifts_per_day or shifts_per_day <= 0 or not days or days <= 0:
        raise ValidationError("班次和天数应为正整数")
    if round_to_pack is not None and round_to_pack.item_id != item.pk:
        raise ValidationError(f"取整包装“{round_to_pack.name}”不属于{item.name}")
    if not source.active:
        raise ValidationError("发出存放点已停用")


def _check_quantities(plan: AllocationPlan, lines: list[AllocationLine]) -> None:
    largest = max((line.quantity for line in lines), default=0)
    if largest > MAX_UNITS:
        unit = plan.item.unit
        check = (
            "每名员工每班用量、班次、天数和员工人数"
            if plan.target == Target.RECIPIENTS
            else "每人每班用量、班次、天数和人数"
        )
        raise ValidationError(
            f"分配数量过大：单个对象{largest:,}{unit}，超过上限{MAX_UNITS:,}{unit}，请检查{check}"
        )


def create_plan(
    *,
    area: Any,
    title: str,
    item: Item,
    source: Location,
    target: str,
    by: Any,
    per_person: Decimal = Decimal("1"),
    shifts_per_day: int = 3,
    days: int = 7,
    round_to_pack: ItemPack | None = None,
    client_id: str = "",
    request: Any = None,
) -> tuple[AllocationPlan, bool]:
    """A draft plan with one line per checkpoint, community store or enterprise. A
    checkpoint counts its assigned staff unless its location has a typed head count
    (``Location.staff_count``); each line's people can still be edited before review.
    Returns (plan, created): the same ``client_id`` again returns the first plan."""
    _check_params(
        item=item,
        source=source,
        per_person=per_person,
        shifts_per_day=shifts_per_day,
        days=days,
        round_to_pack=round_to_pack,
    )

    def work() -> AllocationPlan:
        plan = AllocationPlan.objects.create(
            area=area,
            title=title,
            item=item,
            source=source,
            target=target,
            per_person=per_person,
            shifts_per_day=shifts_per_day,
            days=days,
            round_to_pack=round_to_pack,
            client_id=client_id,
            created_by=by,
        )
        targets = _targets(plan)
        if not targets:
            raise ValidationError(f"辖区内没有可分配的{Target(target).label.removeprefix('全部')}")
        lines = [
            AllocationLine(
                plan=plan,
                location=loc,
                recipient=rec,
                people=people,
                quantity=plan.quantity_for(people),
            )
            for loc, rec, people in targets
        ]
        _check_quantities(plan, lines)
        AllocationLine.objects.bulk_create(lines)
        audit.record(
            action=AuditEvent.Action.CREATE,
            request=request,
            user=by,
            obj=plan,
            area=area,
            detail=(
                f"新建分配方案：{item.name}，{len(targets)} 个对象，共 {plan.total():,}{item.unit}"
            ),
        )
        return plan

    return once(
        client_id,
        work,
        lambda c: AllocationPlan.objects.filter(client_id=c).first() if c else None,
    )


@dataclass(frozen=True)
class PlanUpdate:
    """What 重新计算 did: whether the figures changed (a parameter, a line's people or
    quantity), whether a review was withdrawn for it, and the totals before and after."""

    plan: AllocationPlan
    changed: bool
    withdrawn: bool
    before: int
    after: int


@transaction.atomic
def update_plan(
    *,
    plan: AllocationPlan,
    by: Any,
    per_person: Decimal,
    shifts_per_day: int,
    days: int,
    round_to_pack: ItemPack | None,
    people: dict[int, int],
    request: Any = None,
) -> PlanUpdate:
    """Change the parameters and the head counts (line id → people); recompute every
    line. When the figures change, a reviewed plan goes back to draft, its review
    withdrawn: they must be reviewed again before it is issued. The same figures
    again write nothing and leave a review standing."""
    plan = AllocationPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.editable:
        raise ValidationError("方案已发放，不能再修改")
    _check_params(
        item=plan.item,
        source=plan.source,
        per_person=per_person,
        shifts_per_day=shifts_per_day,
        days=days,
        round_to_pack=round_to_pack,
    )
    if any(n < 0 for n in people.values()):
        raise ValidationError("人数不能为负数")
    lines = list(plan.lines.all())
    old_params = (plan.per_person, plan.shifts_per_day, plan.days, plan.round_to_pack_id)
    old_lines = [(line.people, line.quantity) for line in lines]
    plan.per_person, plan.shifts_per_day, plan.days = per_person, shifts_per_day, days
    plan.round_to_pack = round_to_pack
    for line in lines:
        line.people = people.get(line.pk, line.people)
        line.quantity = plan.quantity_for(line.people)
    _check_quantities(plan, lines)
    before = sum(quantity for _, quantity in old_lines)
    after = sum(line.quantity for line in lines)
    new_params = (per_person, shifts_per_day, days, round_to_pack.pk if round_to_pack else None)
    new_lines = [(line.people, line.quantity) for line in lines]
    if (old_params, old_lines) == (new_params, new_lines):
        return PlanUpdate(plan=plan, changed=False, withdrawn=False, before=before, after=after)
    withdrawn = plan.status == AllocationPlan.Status.REVIEWED
    plan.status = AllocationPlan.Status.DRAFT
    plan.reviewed_by, plan.reviewed_at = None, None
    plan.save()
    AllocationLine.objects.bulk_update(lines, ["people", "quantity"])
    unit = plan.item.unit
    audit.record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=plan,
        area=plan.area,
        detail=f"修改分配方案参数，合计 {after:,}{unit}（原 {before:,}{unit}）"
        + ("；原审核已撤销，方案退回草稿" if withdrawn else ""),
    )
    return PlanUpdate(plan=plan, changed=True, withdrawn=withdrawn, before=before, after=after)


@transaction.atomic
def review_plan(
    *, plan: AllocationPlan, by: Any, at: datetime | None = None, request: Any = None
) -> AllocationPlan:
    plan = AllocationPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != AllocationPlan.Status.DRAFT:
        raise ValidationError(f"方案当前状态为“{plan.get_status_display()}”，不能审核")
    if plan.total() <= 0:
        raise ValidationError("方案合计为0，请先填写人数和用量")
    plan.status = AllocationPlan.Status.REVIEWED
    plan.reviewed_by, plan.reviewed_at = by, at or timezone.now()
    plan.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=plan,
        area=plan.area,
        detail="审核通过分配方案",
    )
    return plan


@transaction.atomic
def issue_plan(
    *, plan: AllocationPlan, by: Any, at: datetime | None = None, request: Any = None
) -> tuple[AllocationPlan, bool]:
    """Issue every line at once: transfers to locations, issues to enterprises. All or
    nothing: if the source cannot cover the total, nothing moves. Returns (plan,
    issued): a plan issued already (a double click, a retry) is returned as it is,
    with ``False``, and nothing moves."""
    plan = (
        AllocationPlan.objects.select_for_update().select_related("item", "source").get(pk=plan.pk)
    )
    if plan.status == AllocationPlan.Status.ISSUED:
        return plan, False
    if plan.status != AllocationPlan.Status.REVIEWED:
        raise ValidationError("方案需先审核，才能发放")
    lines = [
        ln
        for ln in plan.lines.select_related(
            "location__area", "location__checkpoint__area", "recipient__area"
        )
        if ln.quantity > 0
    ]
    # A target closed or moved out of the plan's area since is not issued to.
    blocked = plan.blocked(lines)
    if blocked:
        raise ValidationError(blocked[0])
    total = sum(ln.quantity for ln in lines)
    on_hand = plan.source.balances.filter(item=plan.item).values_list("quantity", flat=True)
    have = next(iter(on_hand), 0)
    if total > have:
        raise ValidationError(shortage_message(plan.item, plan.source, have, total))
    entries: list[Entry] = []
    note = f"分配方案：{plan.title}"
    for line in lines:
        if line.location is not None:
            entries += transfer_entries(
                item=plan.item,
                source=plan.source,
                destination=line.location,
                quantity=line.quantity,
                fields={"plan": plan, "note": note},
            )
        else:
            entries.append(
                Entry(
                    plan.item,
                    plan.source,
                    MovementKind.ISSUE,
                    -line.quantity,
                    {
                        "plan": plan,
                        "recipient": line.recipient.name,
                        "note": f"{note}（{line.people}人）",
                    },
                )
            )
    at = at or timezone.now()
    post_movements(entries, by=by, at=at)
    plan.status = AllocationPlan.Status.ISSUED
    plan.issued_by, plan.issued_at = by, at
    plan.save(update_fields=["status", "issued_by", "issued_at", "updated_at"])
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=plan,
        area=plan.area,
        detail=f"发放分配方案：{len(lines)} 个对象，共 {plan.item.describe(total)}",
    )
    return plan, True
