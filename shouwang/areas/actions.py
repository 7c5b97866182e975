"""Workflows on the jurisdiction tree."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import GRID_STAFF_ROLES
from shouwang.core.unique import unique_write

from .models import Area, Grid, typed_place_name

T = TypeVar("T")


def _saved_on_refusal(name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Leave the action's ``name`` argument as saved when the action refuses: a page
    re-rendered with the refusal shows the form what was submitted and shows the
    saved name (in its title) from the object, never the refused values the form
    or a rolled-back write left on it. Outside the action's transaction, so what is
    read back is what the rollback kept."""

    def decorate(action: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(action)
        def run(**kwargs: Any) -> T:
            obj = kwargs[name]
            saved = obj.pk is not None
            try:
                return action(**kwargs)
            except ValidationError:
                if saved:
                    obj.refresh_from_db()
                else:  # inserted, then rolled back
                    obj.pk = None
                    obj._state.adding = True
                raise

        return run

    return decorate


def _check_child(parent: Area | None, kind: str) -> None:
    if parent is None:
        if kind not in (Area.Kind.DISTRICT, Area.Kind.SUBDISTRICT):
            raise ValidationError("只有区县或街道可以作为最上级节点")
        return
    if parent.child_kind is None:
        raise ValidationError(f"“{parent.name}”（{parent.get_kind_display()}）下不能再建下级")
    if parent.child_kind != kind:
        expected = Area.Kind(parent.child_kind).label if parent.child_kind else "无"
        raise ValidationError(f"“{parent.name}”（{parent.get_kind_display()}）下只能建立{expected}")


@transaction.atomic
def create_area(
    *,
    name: str,
    kind: str,
    parent: Area | None,
    by: Any = None,
    notices: list[str] | None = None,
    **fields: Any,
) -> Area:
    """Create a node under ``parent``. A compound given its first building loses its own
    应有户数 (``Area.clear_households_for_buildings``): the notice is appended to
    ``notices`` and written in the audit entry."""
    _check_child(parent, kind)
    name = typed_place_name(name)
    Area(name=name, kind=kind, **fields).check_expected_households()

    def check_name_free() -> None:
        Area(name=name).check_name_free(parent)

    check_name_free()
    with unique_write(check_name_free):
        area = Area.objects.create(
            name=name, kind=kind, parent=parent, path="~" + secrets.token_hex(8), **fields
        )
    area.assign_path()
    area.save(update_fields=["path", "depth"])
    cleared = parent.clear_households_for_buildings() if parent is not None else ""
    if cleared and notices is not None:
        notices.append(cleared)
    if by is not None:
        audit.record(action=AuditEvent.Action.CREATE, user=by, obj=area, detail=cleared)
    return area


class _Rehearsal(Exception):  # noqa: N818 - not an error: carries a rolled-back move's result
    pass


def move_handovers(*, area: Area, new_parent: Area, by: Any) -> list[str]:
    """What ``move_area`` would hand over, without moving: the move rehearsed in a
    savepoint that is rolled back (the same code, so the page shows what the move will
    do). Raises the move's ValidationError."""
    try:
        with transaction.atomic():
            handovers = move_area(area=area, new_parent=new_parent, by=by)
            raise _Rehearsal(handovers)
    except _Rehearsal as rehearsal:
        return rehearsal.args[0]
    finally:  # as saved, not as the rolled-back move left them
        area.refresh_from_db()
        new_parent.refresh_from_db()


@_saved_on_refusal("area")
@transaction.atomic
def move_area(
    *, area: Area, new_parent: Area, by: Any, notices: list[str] | None = None
) -> list[str]:
    """Re-hang ``area`` with its subtree under ``new_parent``. Nobody keeps answering
    for what they can no longer see: moved compounds leave the grids of their former
    community, staff moved along leave those grids, and each app hands over its own
    assignments (its ``hand_over_after_move`` hook: key persons' responsible workers,
    checkpoints' duty staff). Returns those handovers in Chinese, one line each; the
    audit entry lists them. A compound given its first building loses its own 应有户数
    (``Area.clear_households_for_buildings``): the notice is appended to ``notices``
    and written in the audit entry."""
    # Both nodes as saved now, locked: the page read them before a move committed
    # meanwhile may have changed their paths (PostgreSQL waits here for that move;
    # SQLite's immediate transaction already did).
    list(Area.objects.select_for_update().filter(pk__in=[area.pk, new_parent.pk]))
    area.refresh_from_db()
    new_parent.refresh_from_db()
    if new_parent.is_within(area):
        raise ValidationError("不能移动到自身或其下级节点之下")
    if new_parent.pk == area.parent_id:
        raise ValidationError(f"“{area.name}”已在“{new_parent.name}”之下，请选择另一个上级")
    _check_child(new_parent, area.kind)

    def check_name_free() -> None:
        area.check_name_free(new_parent)

    check_name_free()
    old = area.parent.name if area.parent_id else "—"
    left = list(area.ancestors())
    with unique_write(check_name_free):
        area.move_to(new_parent)
    cleared = new_parent.clear_households_for_buildings()
    if cleared and notices is not None:
        notices.append(cleared)
    handovers = []
    if area.kind in (Area.Kind.COMPOUND, Area.Kind.BUILDING):
        handovers += _leave_grids_of_other_communities(area)
    # Apps that keep figures by the tree (e.g. the daily report's totals) follow it;
    # apps that assign people to places hand over what the assignees no longer see.
    joined = list(area.ancestors())
    for config in apps.get_app_configs():
        hook = getattr(config, "area_moved", None)
        if hook is not None:
            hook(area=area, left=left, joined=joined)
    handovers += hand_over_unseen(area=area, by=by)
    detail = "；".join([f"移动：{old} → {new_parent.name}", *handovers, *filter(None, [cleared])])
    audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=area, detail=detail[:2000])
    return handovers


def hand_over_unseen(*, area: Area, by: Any) -> list[str]:
    """Each app's handover (its ``hand_over_after_move`` hook) of what the people
    assigned below ``area`` can no longer see, after a move of the node or of a user;
    one Chinese line per handover."""
    lines = []
    for config in apps.get_app_configs():
        hand_over = getattr(config, "hand_over_after_move", None)
        if hand_over is not None:
            lines += hand_over(area=area, by=by)
    return lines


def _leave_grids_of_other_communities(area: Area) -> list[str]:
    """After a move below community level: the moved compounds, and the staff working
    in the moved subtree, leave the grids of the community they came from."""
    community = area.ancestor_of_kind(Area.Kind.COMMUNITY)
    subtree = Area.objects.within(area)
    compounds = Grid.compounds.through.objects.filter(area__in=subtree).exclude(
        grid__community=community
    )
    staff = Grid.staff.through.objects.filter(user__area__in=subtree).exclude(
        grid__community=community
    )
    lines = [
        f"小区“{m.area.name}”移出网格“{m.grid.name}”"
        for m in compounds.select_related("area", "grid").order_by("grid__name", "area__name")
    ]
    lines += [
        f"{m.user}不再是网格“{m.grid.name}”的责任人"
        for m in staff.select_related("user", "grid").order_by("grid__name", "user__username")
    ]
    compounds.delete()
    staff.delete()
    return lines


def leave_grids_not_answered_for(*, user: Any) -> None:
    """Take ``user`` off the grids of communities their area is no longer in, and off
    every grid when their role no longer answers for one."""
    own = [*user.area.ancestors(), user.area] if user.area_id else []
    memberships = Grid.staff.through.objects.filter(user=user)
    if user.role in GRID_STAFF_ROLES:
        memberships = memberships.exclude(grid__community__in=own)
    memberships.delete()


@_saved_on_refusal("grid")
@transaction.atomic
def save_grid(*, grid: Grid, compounds: list[Area], staff: list[Any], by: Any) -> Grid:
    grid.name = typed_place_name(grid.name)

    def check_name_free() -> None:
        if grid.name_taken():
            raise ValidationError(f"本社区已有名为“{grid.name}”的网格")

    check_name_free()

    def check_members() -> None:
        grid.check_members(compounds=compounds, staff=staff)

    check_members()
    created = grid.pk is None
    with unique_write(check_name_free):
        grid.save()
    with unique_write(check_members):
        grid.hold_compounds(compounds)
    grid.staff.set(staff)
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        user=by,
        obj=grid,
        area=grid.community,
    )
    return grid


@_saved_on_refusal("area")
@transaction.atomic
def update_area(*, area: Area, by: Any) -> Area:
    """Save the edited name, code, expected households and notes of ``area``."""
    try:
        area.name = typed_place_name(area.name)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from exc

    def check_name_free() -> None:
        try:
            area.check_name_free(area.parent)
        except ValidationError as exc:
            raise ValidationError({"name": exc.messages}) from exc

    check_name_free()
    saved = Area.objects.get(pk=area.pk)
    if area.expected_households != saved.expected_households:
        area.check_expected_households()
    with unique_write(check_name_free):
        area.save(update_fields=["name", "code", "expected_households", "notes", "updated_at"])
    # The entry is shown under the new name: it keeps what each field was.
    changes = [
        f"{Area._meta.get_field(name).verbose_name} {_shown(getattr(saved, name))}→"
        f"{_shown(getattr(area, name))}"
        for name in ("name", "code", "expected_households")
        if getattr(saved, name) != getattr(area, name)
    ]
    if saved.notes != area.notes:
        changes.append("备注")
    audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=area, detail="；".join(changes))
    return area


def _shown(value: object) -> str:
    return "—" if value in (None, "") else str(value)
