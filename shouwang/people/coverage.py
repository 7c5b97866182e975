"""Coverage of the ledger (户不漏人): households expected per building against those
registered, occupied households with nobody registered, residents without a document.

Other modules read the figures through ``per_community``, ``total`` and ``for_grid``;
each costs a handful of grouped queries whatever the size of the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

from shouwang.areas.models import Area, AreaQuerySet, Grid

from .models import Household, Person


@dataclass(frozen=True)
class UnitCoverage:
    expected: int  # 应有户数 entered for the unit
    registered: int  # households registered in the unit itself
    counted: int  # of those, counted towards 覆盖率: at most ``expected``


def unit_coverage(areas: AreaQuerySet, registered: Mapping[int, int]) -> dict[int, UnitCoverage]:
    """The one definition of 覆盖率 (this page's, and the daily report's 入户登记率):
    for each household unit among ``areas`` that carries an 应有户数 (a building; a
    compound or village group without buildings: ``Area.objects.household_units``),
    the households registered in it (``registered``: households per area id) count up
    to that figure. A building with more households than expected cannot hide
    another's gap, so the rate never exceeds 100 %; households of a unit without a
    figure count towards no rate. One query (the units)."""
    units = (
        areas.household_units()
        .filter(expected_households__isnull=False)
        .order_by()
        .values_list("pk", "expected_households")
    )
    out = {}
    for pk, expected in units:
        n = registered.get(pk, 0)
        out[pk] = UnitCoverage(expected=expected, registered=n, counted=min(expected, n))
    return out


@dataclass
class AreaFigures:
    expected: int = 0  # households expected (buildings with a figure entered)
    registered: int = 0  # households registered
    covered: int = 0  # registered, counted up to each building's expected figure
    persons: int = 0  # current residents
    empty_households: int = 0  # occupied (not 空置) with no current resident
    no_document: int = 0  # current residents without an ID or other document
    buildings_short: int = 0  # buildings with fewer households than expected
    unplaced: int = 0  # households at a compound that has buildings (未分配楼栋)

    def add(self, other: AreaFigures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def coverage_pct(self) -> float | None:
        """Share of expected households registered, 0–100; None when nothing expected.
        A building with more households than expected cannot hide another's gap."""
        if not self.expected:
            return None
        return round(self.covered * 100 / self.expected, 1)

    @property
    def missing(self) -> int:
        return self.expected - self.covered


@dataclass
class Figures:
    """Figures per area of one subtree, summed on demand for any node or grid in it."""

    by_area: dict[int, AreaFigures] = field(default_factory=dict)
    paths: dict[int, str] = field(default_factory=dict)

    @classmethod
    def for_areas(cls, root: Area) -> Figures:
        subtree = Area.objects.within(root)
        areas = list(subtree.values_list("pk", "parent_id", "path", "kind"))
        parents = {parent for _, parent, _, _ in areas}
        households = Household.objects.within(root)
        persons = Person.objects.within(root).current()
        registered = households.count_by_area()
        empty = households.without_persons().count_by_area()
        residents = persons.count_by_area()
        no_document = persons.without_document().count_by_area()
        units = unit_coverage(subtree, registered)
        result = cls()
        for pk, _, path, kind in areas:
            figures = AreaFigures(
                registered=registered.get(pk, 0),
                persons=residents.get(pk, 0),
                empty_households=empty.get(pk, 0),
                no_document=no_document.get(pk, 0),
            )
            if kind == Area.Kind.COMPOUND and pk in parents:
                # Registered before the compound had buildings: counted as registered
                # (they are), against no building's figure until moved into one.
                figures.unplaced = figures.registered
            unit = units.get(pk)
            if unit is not None:
                figures.expected = unit.expected
                figures.covered = unit.counted
                figures.buildings_short = int(unit.registered < unit.expected)
            result.by_area[pk] = figures
            result.paths[pk] = path
        return result

    def within(self, area: Area) -> AreaFigures:
        total = AreaFigures()
        for pk, path in self.paths.items():
            if path.startswith(area.path):
                total.add(self.by_area[pk])
        return total


@dataclass
class CommunityFigures:
    area: Area
    figures: AreaFigures


def per_community(root: Area, *, figures: Figures | None = None) -> list[CommunityFigures]:
    """Figures for each community in ``root``'s subtree (or for ``root`` itself when it
    lies below the community level)."""
    figures = figures or Figures.for_areas(root)
    if root.kind in (Area.Kind.COMPOUND, Area.Kind.BUILDING):
        return [CommunityFigures(root, figures.within(root))]
    communities = Area.objects.within(root).communities().order_by("path")
    return [CommunityFigures(c, figures.within(c)) for c in communities]


def total(root: Area, *, figures: Figures | None = None) -> AreaFigures:
    """Figures for the whole subtree (a sub-district, a community …)."""
    return (figures or Figures.for_areas(root)).within(root)


def for_grid(grid: Grid, *, figures: Figures | None = None) -> AreaFigures:
    figures = figures or Figures.for_areas(grid.community)
    return _sum_within(figures, grid.compounds.all())


def _sum_within(figures: Figures, areas: Iterable[Area]) -> AreaFigures:
    result = AreaFigures()
    for area in areas:
        result.add(figures.within(area))
    return result


@dataclass
class BuildingGap:
    building: Area
    expected: int
    registered: int
    compound: str = ""  # the compound's name; "" when ``building`` is the compound

    @property
    def missing(self) -> int:
        return self.expected - self.registered

    @property
    def label(self) -> str:
        """西城花园1号楼: a grid over two compounds may have two 1号楼."""
        return f"{self.compound}{self.building.name}"


@dataclass
class GridGaps:
    figures: AreaFigures
    buildings: list[BuildingGap]
    empty_households: list[Household]
    empty_count: int
    no_document: list[Person]
    no_document_count: int


GAP_LIST_LIMIT = 300


def grid_gaps(grid: Grid) -> GridGaps:
    """The work list of one grid: short buildings, empty households, no documents. A
    fixed number of queries, whatever the number of the grid's compounds: the short
    buildings are found in the community's figures, and read in one query."""
    compounds = list(grid.compounds.all())
    figures = Figures.for_areas(grid.community)
    total_figures = _sum_within(figures, compounds)
    by_path = {c.path: c for c in compounds}
    lengths = {len(path) for path in by_path}
    short: dict[int, Area] = {}  # short building (or compound) id -> its compound
    for pk, path in figures.paths.items():
        if not figures.by_area[pk].buildings_short:
            continue
        compound = next((by_path[path[:n]] for n in lengths if path[:n] in by_path), None)
        if compound is not None:
            short[pk] = compound
    buildings = [
        BuildingGap(
            area,
            figures.by_area[pk].expected,
            figures.by_area[pk].registered,
            "" if pk == short[pk].pk else short[pk].name,
        )
        for pk, area in Area.objects.in_bulk(list(short)).items()
    ]
    households = Household.objects.none()
    persons = Person.objects.none()
    for compound in compounds:
        households |= Household.objects.within(compound)
        persons |= Person.objects.within(compound)
    buildings.sort(key=lambda g: (-g.missing, g.building.path))
    empty = households.without_persons().with_address().order_by("area__path", "unit", "room")
    no_doc = (
        persons.current()
        .without_document()
        .select_related("household__area__parent", "area")
        .order_by("area__path", "household_id", "id")
    )
    return GridGaps(
        figures=total_figures,
        buildings=buildings,
        empty_households=list(empty[:GAP_LIST_LIMIT]),
        empty_count=total_figures.empty_households,
        no_document=list(no_doc[:GAP_LIST_LIMIT]),
        no_document_count=total_figures.no_document,
    )
