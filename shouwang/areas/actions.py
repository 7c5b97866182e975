"""Workflows on the jurisdiction tree."""

from __future__ import annotations

import secrets
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.unique import unique_write

from .models import Area, Grid, typed_place_name


def _check_child(parent: Area | None, kind: str) -> None:
    if parent is None:
        if kind not in (Area.Kind.DISTRICT, Area.Kind.SUBDISTRICT):
            raise ValidationError("只有区县或街道可以作为最上级节点")
        return
    if parent.child_kind != kind:
        expected = Area.Kind(parent.child_kind).label if parent.child_kind else "无"
        raise ValidationError(f"“{parent.name}”（{parent.get_kind_display()}）下只能建立{expected}")


@transaction.atomic
def create_area(
    *, name: str, kind: str, parent: Area | None, by: Any = None, **fields: Any
) -> Area:
    _check_child(parent, kind)
    name = typed_place_name(name)

    def check_name_free() -> None:
        if Area(name=name).name_taken(parent):
            raise ValidationError(f"同一上级下已有名为“{name}”的节点")

    check_name_free()
    with unique_write(check_name_free):
        area = Area.objects.create(
            name=name, kind=kind, parent=parent, path="~" + secrets.token_hex(8), **fields
        )
    area.assign_path()
    area.save(update_fields=["path", "depth"])
    if by is not None:
        audit.record(action=AuditEvent.Action.CREATE, user=by, obj=area)
    return area


@transaction.atomic
def move_area(*, area: Area, new_parent: Area, by: Any) -> Area:
    if new_parent.is_within(area):
        raise ValidationError("不能移动到自身或其下级节点之下")
    if new_parent.pk == area.parent_id:
        raise ValidationError(f"“{area.name}”已在“{new_parent.name}”之下，请选择另一个上级")
    _check_child(new_parent, area.kind)

    def check_name_free() -> None:
        if area.name_taken(new_parent):
            raise ValidationError(f"“{new_parent.name}”下已有名为“{area.name}”的节点")

    check_name_free()
    old = area.parent.name if area.parent_id else "—"
    left = list(area.ancestors())
    with unique_write(check_name_free):
        area.move_to(new_parent)
    if area.kind in (Area.Kind.COMPOUND, Area.Kind.BUILDING):
        _leave_grids_of_other_communities(area)
    # Apps that keep figures by the tree (e.g. the daily report's totals) follow it.
    joined = list(area.ancestors())
    for config in apps.get_app_configs():
        hook = getattr(config, "area_moved", None)
        if hook is not None:
            hook(area=area, left=left, joined=joined)
    audit.record(
        action=AuditEvent.Action.UPDATE,
        user=by,
        obj=area,
        detail=f"移动：{old} → {new_parent.name}",
    )
    return area


def _leave_grids_of_other_communities(area: Area) -> None:
    """After a move below community level: the moved compounds, and the staff working
    in the moved subtree, leave the grids of the community they came from."""
    community = area.ancestor_of_kind(Area.Kind.COMMUNITY)
    subtree = Area.objects.within(area)
    Grid.compounds.through.objects.filter(area__in=subtree).exclude(
        grid__community=community
    ).delete()
    Grid.staff.through.objects.filter(user__area__in=subtree).exclude(
        grid__community=community
    ).delete()


def leave_grids_outside_own_area(*, user: Any) -> None:
    """Take ``user`` off the grids of communities their area is no longer in."""
    own = [*user.area.ancestors(), user.area] if user.area_id else []
    Grid.staff.through.objects.filter(user=user).exclude(grid__community__in=own).delete()


@transaction.atomic
def save_grid(*, grid: Grid, compounds: list[Area], staff: list[Any], by: Any) -> Grid:
    grid.name = typed_place_name(grid.name)

    def check_name_free() -> None:
        if grid.name_taken():
            raise ValidationError(f"本社区已有名为“{grid.name}”的网格")

    check_name_free()
    grid.check_members(compounds=compounds, staff=staff)
    created = grid.pk is None
    with unique_write(check_name_free):
        grid.save()
    grid.compounds.set(compounds)
    grid.staff.set(staff)
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        user=by,
        obj=grid,
        area=grid.community,
    )
    return grid


@transaction.atomic
def update_area(*, area: Area, by: Any) -> Area:
    """Save the edited name, code, expected households and notes of ``area``."""
    try:
        area.name = typed_place_name(area.name)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from exc

    def check_name_free() -> None:
        if area.name_taken(area.parent):
            raise ValidationError({"name": "同一上级下已有同名节点"})

    check_name_free()
    with unique_write(check_name_free):
        area.save(update_fields=["name", "code", "expected_households", "notes", "updated_at"])
    audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=area)
    return area
