"""The jurisdiction tree and grids.

Each node stores a materialized ``path``: its ancestors' ids and its own, each as a
fixed-width base-36 segment, so a subtree is a range of paths answered from the path
index on both SQLite and PostgreSQL, and a move rewrites the paths of one subtree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Concat, Substr

from shouwang.accounts.roles import GRID_STAFF_ROLES
from shouwang.core.access import ScopedQuerySet, subtree_range
from shouwang.core.models import TimeStampedModel
from shouwang.core.text import place_name
from shouwang.core.xlsx import FORMULA_PREFIXES

SEGMENT = 6  # base-36 digits per level: 2 billion ids


def _segment(pk: int) -> str:
    """``pk`` as ``SEGMENT`` base-36 digits; the order of ids is the order of segments."""
    if not 0 < pk < 36**SEGMENT:
        raise ValueError(f"area id {pk} does not fit a path segment")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while pk:
        pk, r = divmod(pk, 36)
        out = digits[r] + out
    return out.rjust(SEGMENT, "0")


def household_unit() -> models.Q:
    """The nodes whose 应有户数 count: buildings, and compounds or village groups
    without buildings (a village's groups have none). A compound with buildings counts
    through them. A condition, to filter or to aggregate with."""
    has_children = Area.objects.filter(parent=models.OuterRef("pk"))
    return models.Q(kind=Area.Kind.BUILDING) | models.Q(
        models.Q(kind=Area.Kind.COMPOUND), ~models.Exists(has_children)
    )


# A name a spreadsheet program would run as a formula, once exported.
NAME_START_MESSAGE = "名称不能以 = + - @ 开头（表格软件会把它当作公式）"


def typed_place_name(typed: str) -> str:
    """A name typed or imported for a node or a grid, in the one spelling
    (``place_name``); one of nothing but spaces or unseen characters is refused, and so
    is one starting as a formula does (= + - @), which a spreadsheet program would run
    once the name is exported."""
    name = place_name(typed)
    if not name:
        raise ValidationError("名称不能为空（只有空格或不可见字符）")
    if name.startswith(FORMULA_PREFIXES):
        raise ValidationError(NAME_START_MESSAGE)
    return name


def first_building_warning(name: str, households: int) -> str:
    """What giving the compound ``name``, holding ``households`` 应有户数, its first
    building will do (``Area.clear_households_for_buildings``), said before it is done."""
    return f"“{name}”将有第一个楼栋，原填写的应有户数 {households} 将清除，请在各楼栋填写应有户数"


# The most households a node is expected to hold, in its form and in the import (a
# district's; the column would hold 2,147,483,647 on PostgreSQL and more on SQLite).
MAX_HOUSEHOLDS = 10_000_000


class AreaQuerySet(ScopedQuerySet):
    scope = ""

    def of_kind(self, kind: str) -> AreaQuerySet:
        return self.filter(kind=kind)

    def communities(self) -> AreaQuerySet:
        return self.of_kind(Area.Kind.COMMUNITY)

    def compounds(self) -> AreaQuerySet:
        return self.of_kind(Area.Kind.COMPOUND)

    def buildings(self) -> AreaQuerySet:
        return self.of_kind(Area.Kind.BUILDING)

    def household_units(self) -> AreaQuerySet:
        return self.filter(household_unit())

    def move_targets(self, area: Area) -> AreaQuerySet:
        """The nodes a page offers as ``area``'s new parent: those of its parent's kind
        but its present parent. Which moves are refused, and why, is ``move_area``'s
        to say: none of these is inside ``area``, being of a kind above it."""
        parent_kind = next((k for k, v in Area.CHILD_KIND.items() if v == area.kind), None)
        return self.filter(kind=parent_kind).exclude(pk=area.parent_id)


class Area(TimeStampedModel):
    class Kind(models.TextChoices):
        DISTRICT = "district", "区县"
        SUBDISTRICT = "subdistrict", "街道/乡镇"
        COMMUNITY = "community", "社区/村"
        COMPOUND = "compound", "小区/自然村/村民组"
        BUILDING = "building", "楼栋"

    # Which kind of child each kind may hold.
    CHILD_KIND = {
        Kind.DISTRICT: Kind.SUBDISTRICT,
        Kind.SUBDISTRICT: Kind.COMMUNITY,
        Kind.COMMUNITY: Kind.COMPOUND,
        Kind.COMPOUND: Kind.BUILDING,
    }

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("层级", max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    code = models.CharField("编码", max_length=40, blank=True)
    expected_households = models.PositiveIntegerField("应有户数", null=True, blank=True)
    notes = models.TextField("备注", blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = "辖区节点"
        verbose_name_plural = "辖区节点"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent"),
        ]
        # Subtrees are path ranges (``subtree_range``): the unique index on path serves
        # them, and (kind, path) serves "the buildings of this community".
        indexes = [models.Index(fields=["kind", "path"], name="area_kind_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def place(self) -> str:
        """'西城花园1号楼' for a building (every compound has its 1号楼), the area's own
        name otherwise. Select ``parent`` with a building."""
        if self.kind == Area.Kind.BUILDING and self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name

    @property
    def child_kind(self) -> str | None:
        return self.CHILD_KIND.get(self.kind)

    def check_expected_households(self, *, has_buildings: bool | None = None) -> None:
        """Raise ValidationError if this node has 应有户数 that coverage ignores
        (``household_unit``): only buildings and compounds without buildings count.
        ``has_buildings`` says whether a compound has (or is about to have) buildings;
        by default, whether it has children in the database."""
        if self.expected_households is None or self.kind == Area.Kind.BUILDING:
            return
        if self.kind != Area.Kind.COMPOUND:
            raise ValidationError(
                {
                    "expected_households": f"{self.get_kind_display()}的应有户数不计入覆盖率"
                    "（覆盖率按楼栋和没有楼栋的小区/村民组合计），请留空，在其下的楼栋或小区填写"
                }
            )
        if has_buildings is None:
            has_buildings = self.pk is not None and self.children.exists()
        if has_buildings:
            raise ValidationError(
                {
                    "expected_households": f"“{self.name}”已有楼栋，应有户数按各楼栋合计，"
                    "请留空，在各楼栋上填写"
                }
            )

    def clear_households_for_buildings(self) -> str:
        """The one rule for a compound given its first building (new, moved in or
        imported): its own 应有户数 no longer counts (``household_unit``), so it is
        cleared, inside the caller's transaction. Returns the Chinese notice saying so,
        or "" when there was no figure to clear."""
        if self.kind != Area.Kind.COMPOUND:
            return ""
        # Locked: of two first buildings given at the same moment, the second waits
        # here and reads the figure the first cleared, so it is cleared (and said) once.
        households = (
            Area.objects.select_for_update()
            .filter(pk=self.pk)
            .values_list("expected_households", flat=True)[0]
        )
        if households is None:
            return ""
        self.expected_households = None
        self.save(update_fields=["expected_households", "updated_at"])
        return (
            f"“{self.name}”已有楼栋，原填写的应有户数 {households} 已清除，请在各楼栋填写应有户数"
        )

    def first_building_warning(self) -> str:
        """The warning a page shows before giving this node its first building (a new
        one, or one moved in): "" unless it is a compound without buildings holding
        应有户数 (``clear_households_for_buildings``)."""
        if (
            self.kind != Area.Kind.COMPOUND
            or self.expected_households is None
            or (self.pk is not None and self.children.exists())
        ):
            return ""
        return first_building_warning(self.name, self.expected_households)

    def ancestors(self) -> AreaQuerySet:
        prefixes = [self.path[: i * SEGMENT] for i in range(1, self.depth + 1)]
        return Area.objects.filter(path__in=prefixes)

    def descendants(self, *, include_self: bool = True) -> AreaQuerySet:
        qs = Area.objects.within(self)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_within(self, other: Area) -> bool:
        return self.path.startswith(other.path)

    def full_name(self) -> str:
        return Area.full_names([self])[self.pk]

    @staticmethod
    def full_names(areas: Iterable[Area]) -> dict[int, str]:
        """Each area's name under its ancestors' (the district's left out), by id: the
        ancestors of them all read in one query, whatever their number (a sheet of
        pass cards)."""
        areas = list(areas)
        prefixes = {a.pk: [a.path[: i * SEGMENT] for i in range(1, a.depth + 1)] for a in areas}
        names = dict(
            Area.objects.filter(path__in={p for ps in prefixes.values() for p in ps})
            .exclude(kind=Area.Kind.DISTRICT)
            .values_list("path", "name")
        )
        return {
            a.pk: "".join([*(names[p] for p in prefixes[a.pk] if p in names), a.name])
            for a in areas
        }

    def ancestor_of_kind(self, kind: str) -> Area | None:
        if self.kind == kind:
            return self
        return self.ancestors().filter(kind=kind).first()

    def name_taken(self, parent: Area | None) -> bool:
        """Whether another child of ``parent`` bears this node's name in the one
        spelling the import matches by (``place_name``: "１ 号楼" is "1号楼")."""
        key = place_name(self.name)
        siblings = Area.objects.filter(parent=parent).exclude(pk=self.pk)
        return any(place_name(n) == key for n in siblings.values_list("name", flat=True))

    def check_name_free(self, parent: Area | None) -> None:
        """Raise ValidationError if another child of ``parent`` bears this node's name
        (``name_taken``), in the one wording of a new node, a renamed one, a moved one
        and the back office's form."""
        if self.name_taken(parent):
            where = f"“{parent.name}”下" if parent is not None else "最上级"
            raise ValidationError(f"{where}已有名为“{self.name}”的节点，请换一个名称")

    def assign_path(self) -> None:
        """Set ``path`` and ``depth`` from the parent; the row must have a pk."""
        parent_path = self.parent.path if self.parent_id else ""
        self.path = parent_path + _segment(self.pk)
        self.depth = len(self.path) // SEGMENT - 1

    def move_to(self, new_parent: Area) -> None:
        """Re-hang this subtree under ``new_parent`` (one UPDATE for the subtree)."""
        old_prefix = self.path
        self.parent = new_parent
        self.assign_path()
        new_prefix = self.path
        shift = (len(new_prefix) - len(old_prefix)) // SEGMENT
        Area.objects.filter(path__range=subtree_range(old_prefix)).update(
            path=Concat(
                models.Value(new_prefix),
                Substr("path", len(old_prefix) + 1),
                output_field=models.CharField(),
            ),
            depth=models.F("depth") + shift,
        )
        Area.objects.filter(pk=self.pk).update(parent=new_parent)
        self.refresh_from_db()


class GridQuerySet(ScopedQuerySet):
    scope = "community"

    def with_active_staff(self) -> GridQuerySet:
        """Prefetch each grid's responsible staff, leaving out disabled accounts: a disabled
        account answers for nothing."""
        users = self.model._meta.get_field("staff").related_model.objects.filter(is_active=True)
        return self.prefetch_related(models.Prefetch("staff", queryset=users.order_by("pk")))


class Grid(TimeStampedModel):
    """A grid (网格): compounds of one community with the staff who answer for them."""

    name = models.CharField("网格名称", max_length=100)
    community = models.ForeignKey(
        Area, verbose_name="所属社区", on_delete=models.PROTECT, related_name="grids"
    )
    compounds = models.ManyToManyField(
        Area, verbose_name="包含小区", related_name="grid_set", blank=True
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="责任人", related_name="grids", blank=True
    )
    notes = models.TextField("备注", blank=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        ordering = ["community__path", "name"]
        verbose_name = "网格"
        verbose_name_plural = "网格"
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="grid_unique_name",
                violation_error_message="本社区已有同名网格",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def name_taken(self) -> bool:
        """Whether another grid of this community bears this grid's name, in the one
        spelling of place names (``place_name``)."""
        key = place_name(self.name)
        others = Grid.objects.filter(community=self.community_id).exclude(pk=self.pk)
        return any(place_name(n) == key for n in others.values_list("name", flat=True))

    def hold_compounds(self, compounds: Iterable[Area]) -> None:
        """Make ``compounds`` this grid's compounds. Unlike ``compounds.set``, which
        skips a row the database refuses, a compound another grid holds (the unique
        index of migration 0005: one grid per compound) raises IntegrityError."""
        memberships = Grid.compounds.through.objects.filter(grid=self)
        compounds = list(compounds)
        memberships.exclude(area__in=compounds).delete()
        kept = set(memberships.values_list("area_id", flat=True))
        Grid.compounds.through.objects.bulk_create(
            Grid.compounds.through(grid=self, area=c) for c in compounds if c.pk not in kept
        )

    def check_members(self, *, compounds: Iterable[Area], staff: Iterable[Any]) -> None:
        """Raise ValidationError unless every compound is of this grid's community and
        in no other grid (its key persons go to the grid holding it, its households
        count in that grid's coverage), and every staff member is of the community
        with a role that answers for a grid."""
        compounds = list(compounds)
        for compound in compounds:
            if compound.kind != Area.Kind.COMPOUND or not compound.is_within(self.community):
                raise ValidationError(f"“{compound.name}”不是本社区的小区")
        held = (
            Grid.compounds.through.objects.filter(area__in=compounds)
            .exclude(grid=self.pk)
            .select_related("area", "grid")
            .order_by("area__path", "grid__name")
            .first()
        )
        if held is not None:
            raise ValidationError(
                f"“{held.area.name}”已在网格“{held.grid.name}”中，一个小区只能属于一个网格。"
                "请先在该网格中去掉这个小区"
            )
        for member in staff:
            if member.area is None or not member.area.is_within(self.community):
                raise ValidationError(f"“{member}”不是本社区的工作人员")
            if member.role not in GRID_STAFF_ROLES:
                raise ValidationError(
                    f"“{member}”是{member.get_role_display()}，不能担任网格责任人"
                )
