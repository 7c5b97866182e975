"""Checkpoints and their pass rules, set up by staff."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent, User
from shouwang.areas.models import Area, typed_place_name
from shouwang.core.unique import unique_write

from ..models import Checkpoint, PassRule
from .checkins import clear_rule_cache


@transaction.atomic
def save_checkpoint(*, checkpoint: Checkpoint, staff: list[Any], by: Any) -> Checkpoint:
    creating = checkpoint.pk is None
    before = None if creating else Checkpoint.objects.select_related("area").get(pk=checkpoint.pk)
    staff_before = set() if before is None else set(before.staff.all())
    try:  # one spelling: a zero-width space or a line break must not make a second name
        checkpoint.name = typed_place_name(checkpoint.name)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from exc
    checkpoint.check_name_free()
    if far := checkpoint.out_of_reach(staff):
        names = "、".join(str(u) for u in far)
        raise ValidationError(
            {"staff": f"{names}不在本卡点所在辖区，打不开本卡点的值守台；请另选人员"}
        )
    with unique_write(checkpoint.check_name_free):
        checkpoint.save()
    if before is not None:
        # The editor's form lists only the accounts they can see: those posted here by a
        # higher level (a sub-district volunteer) stay, not dropped unseen.
        staff = [*staff, *before.staff.exclude(pk__in=User.objects.visible_to(by))]
    checkpoint.staff.set(staff)
    audit.record(
        action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        user=by,
        obj=checkpoint,
        detail="" if before is None else _changes(before, checkpoint, staff_before, set(staff)),
    )
    # Scans read checkpoints from a per-process cache: this process stops using the old
    # hours, directions or active flag at once, the others within 30 s.
    clear_rule_cache()
    return checkpoint


def _changes(
    before: Checkpoint, after: Checkpoint, staff_before: set[Any], staff_after: set[Any]
) -> str:
    """What an edit changed, old→new (the entry is shown under the new name)."""
    field = Checkpoint._meta.get_field
    shown = {
        "name": lambda c: c.name,
        "kind": lambda c: c.get_kind_display(),
        "directions": lambda c: c.get_directions_display(),
        "opens_at": lambda c: c.hours_label,
        "active": lambda c: "启用" if c.active else "停用",
    }
    changes = [
        f"{field(name).verbose_name} {show(before)}→{show(after)}"
        for name, show in shown.items()
        if show(before) != show(after)
    ]
    if before.area_id != after.area_id:  # two areas may bear one name: compared by id
        changes.insert(0, f"{field('area').verbose_name} {before.area.name}→{after.area.name}")
    if before.notes != after.notes:
        changes.append("备注")
    if removed := staff_before - staff_after:
        changes.append("值守人员 移出" + "、".join(sorted(str(u) for u in removed)))
    if added := staff_after - staff_before:
        changes.append("值守人员 加入" + "、".join(sorted(str(u) for u in added)))
    return "；".join(changes)


@transaction.atomic
def rotate_code(*, checkpoint: Checkpoint, by: Any) -> Checkpoint:
    """A new public code: the posters printed with the old one stop working (in this
    process at once, in the others when their cached checkpoint expires, within 30 s)."""
    checkpoint.rotate_code()
    audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=checkpoint, detail="更换二维码")
    clear_rule_cache()
    return checkpoint


@transaction.atomic
def hand_over_after_move(*, area: Area, by: Any) -> list[str]:
    """After ``area`` moved in the tree (``areas.actions.move_area``), or an account
    below it was moved or disabled: duty staff who can no longer open a checkpoint
    below it (a disabled account opens nothing) leave its roster (the receiving
    community's staff take it up). Returns one line per person and checkpoint, for the
    move's page and audit entry."""
    lines = []
    checkpoints = Checkpoint.objects.within(area).select_related("area").order_by("pk")
    for checkpoint in checkpoints.prefetch_related("staff__area"):
        staff = list(checkpoint.staff.all())
        kept = [u for u in staff if u.is_active]
        far = [u for u in staff if u not in kept] + checkpoint.out_of_reach(kept)
        if far:
            checkpoint.staff.remove(*far)
            lines += [f"{user}不再值守卡点“{checkpoint.name}”" for user in far]
    return lines


@transaction.atomic
def save_rule(*, area: Area, visitors: str, outing_quota: int | None, by: Any) -> PassRule:
    rule, _ = PassRule.objects.update_or_create(
        area=area, defaults={"visitors": visitors, "outing_quota": outing_quota}
    )
    audit.record(
        action=AuditEvent.Action.UPDATE,
        user=by,
        obj=rule,
        detail=f"访客：{rule.get_visitors_display()}；每户每天外出上限：{rule.outing_quota_label}",
    )
    clear_rule_cache()
    return rule
