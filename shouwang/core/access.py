"""The one scoping mechanism: rows belong to an area, users see their area's subtree.

Every model whose rows belong to a place uses ``ScopedQuerySet`` (directly or by
subclassing) and names the lookup from the row to its ``areas.Area`` in ``scope``.
Views fetch single rows with ``get_for_user``; outside the user's subtree the answer is
404, the same as for a missing row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from shouwang.accounts.models import User
    from shouwang.areas.models import Area

M = TypeVar("M", bound=models.Model)

PATH_MAX_LENGTH = 255
# all_visible_to: how many places outside a user's subtree are probed for rows.
OUTSIDE_PROBES = 50


def subtree_range(path: str) -> tuple[str, str]:
    """The subtree of the node at ``path`` as a range of paths.

    Paths are lowercase base-36 digits, so every path that starts with ``path`` lies in
    [path, path + "zzz…"] and no other does. Both engines answer a range from the path's
    b-tree index; SQLite cannot use an index for ``LIKE 'prefix%'`` (its LIKE is
    case-insensitive), which would scan the whole tree.
    """
    return (path, path + "z" * (PATH_MAX_LENGTH - len(path)))


class ScopedQuerySet(models.QuerySet):
    #: The lookup path from this model to its ``Area`` ("" when the model is Area).
    scope: str = "area"

    def within(self, area: Area) -> Self:
        """Rows inside ``area``'s subtree (the area itself included)."""
        prefix = f"{self.scope}__" if self.scope else ""
        return self.filter(**{f"{prefix}path__range": subtree_range(area.path)})

    def visible_to(self, user: Any) -> Self:
        """Rows the user may see: their own area's subtree, nothing for the anonymous."""
        area = getattr(user, "area", None) if getattr(user, "is_authenticated", False) else None
        if area is None or not user.is_active:
            return self.none()
        return self.within(area)

    def all_visible_to(self, user: Any) -> bool:
        """Whether the user may see every row of this queryset — true for an HQ admin
        whose subtree holds all the places with rows — so that a per-row scope check of
        a large set can be skipped. Asked from the few places outside the subtree (its
        ancestors, where it matters), each probed by index for one row; with more than
        ``OUTSIDE_PROBES`` such places the answer is no (checking row by row is then
        right anyway)."""
        from shouwang.areas.models import Area

        area = getattr(user, "area", None) if getattr(user, "is_authenticated", False) else None
        if area is None or not user.is_active:
            return not self.exists()
        outside = Area.objects.exclude(path__range=subtree_range(area.path)).order_by()
        ids = list(outside.values_list("pk", flat=True)[: OUTSIDE_PROBES + 1])
        if len(ids) > OUTSIDE_PROBES:
            return False
        lookup = f"{self.scope}__in" if self.scope else "pk__in"
        return not ids or not self.filter(**{lookup: ids}).exists()


def get_for_user(queryset: models.QuerySet[M] | type[M], user: User, **lookup: Any) -> M:
    """Fetch one scoped row for ``user`` or raise 404 (outside the subtree == missing)."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        return qs.visible_to(user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该记录") from exc
