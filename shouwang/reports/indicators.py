"""The indicator registry.

An indicator is one figure of the daily report (在管重点人员, 排查人员 …). Each app
contributes its own in ``<app>/indicators.py`` as a module-level ``INDICATORS`` list;
they are discovered from the installed apps, so an indicator whose module is not
installed is simply not offered. HQ then adds, retires and reorders indicators without
code through ``IndicatorDefinition`` rows (seeded from this registry, keyed by code),
and may add manual indicators that communities type in.

Adding one is a few lines in the owning app::

    # shouwang/checkpoints/indicators.py
    from shouwang.reports.indicators import FLOW, Indicator, by_community
    from .models import CheckIn

    def persons_checked(window, communities):
        rows = CheckIn.objects.filter(at__gte=window.start, at__lt=window.end)
        return by_community(rows, communities, area="checkpoint__area")

    INDICATORS = [Indicator("persons_checked", "排查人员", "人", FLOW, persons_checked)]

A compute function takes the report day's window (aware ``start``/``end``, the end
being the cutoff) and the communities, and returns a value per community id. It runs a
fixed number of set-based queries (``by_community`` groups by the rows' area and
credits each area to its community: one query), never one per community. Several
indicators over the same rows share one scan through ``by_community_many``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models

from shouwang.areas.models import SEGMENT
from shouwang.core.modules import app_modules

if TYPE_CHECKING:
    from shouwang.areas.models import Area

    from .days import Window

FLOW = "flow"  # what happened during the day (新增, 排查): summed over days for 累计
STOCK = "stock"  # the state at the cutoff (在管, 已登记)
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")

Compute = Callable[["Window", Sequence["Area"]], Mapping[int, int]]
Hourly = Callable[["Window", Sequence["Area"]], Mapping[int, Sequence[int]]]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    kind: str = FLOW
    #: Values per community id; ``None`` (and no ``ratio``) makes a manual indicator.
    compute: Compute | None = None
    #: A percentage ``numerator / denominator × 100`` of two other indicators' codes,
    #: recomputed at every level of the tree (never summed).
    ratio: tuple[str, str] | None = None
    #: Something happened when it is not zero: a zero report needs it to be 0.
    incident: bool = False
    #: Optional counts per hour of the window (24 values) per community id.
    hourly: Hourly | None = None
    order: int = 100
    help: str = ""
    #: Offered when first seeded. A part of a ratio that is no figure of its own to
    #: report (入户登记率's 计入登记率户数) starts retired: still computed and stored for
    #: the ratio, not a line of the community's report nor a column.
    active: bool = True

    def __post_init__(self) -> None:
        if not CODE_RE.match(self.code):
            raise ImproperlyConfigured(f"indicator code {self.code!r}: use a-z, 0-9 and _")
        if self.kind not in (FLOW, STOCK):
            raise ImproperlyConfigured(f"indicator {self.code}: kind must be flow or stock")

    @property
    def manual(self) -> bool:
        return self.compute is None and self.ratio is None


@cache
def _discovered() -> dict[str, Indicator]:
    found: dict[str, Indicator] = {}
    for _config, module in app_modules("indicators"):
        for indicator in getattr(module, "INDICATORS", ()):
            existing = found.get(indicator.code)
            if existing is not None and existing.manual == indicator.manual:
                raise ImproperlyConfigured(f"indicator code {indicator.code} defined twice")
            if existing is None or existing.manual:  # a computed one takes over a manual one
                found[indicator.code] = indicator
    return found


_extra: dict[str, Indicator] = {}


def registry() -> dict[str, Indicator]:
    """Every indicator the installed apps offer, by code."""
    return {**_discovered(), **_extra}


@contextmanager
def extra_indicators(*indicators: Indicator) -> Iterator[None]:
    """Offer more indicators for a while (tests, benchmarks with scratch tables)."""
    saved = dict(_extra)
    _extra.update({i.code: i for i in indicators})
    try:
        yield
    finally:
        _extra.clear()
        _extra.update(saved)


_memo: ContextVar[dict[Any, Any] | None] = ContextVar("indicator_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within this block identical grouped reads run once: several indicators over
    the same rows (persons checked, vehicles checked, turned back …) share one scan.
    The roll-up opens one around all compute functions; one opened inside another
    shares its reads (figures of several days: the area tree and the hops once)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remember(key: Any, read: Callable[[], Any]) -> Any:
    """``read()``, run once per ``key`` inside ``shared_reads`` (every time outside):
    for an app's figures derived from a shared read."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _common_root(paths: Sequence[str]) -> str:
    prefix = os.path.commonprefix(list(paths))
    return prefix[: len(prefix) // SEGMENT * SEGMENT]


def _fetch(queryset: models.QuerySet, sql: tuple[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query (compiled as ``sql`` when given) as plain
    tuples straight from the cursor: ids and numbers need no model-field conversion."""
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(*(sql or queryset.query.sql_with_params()))
        return cursor.fetchall()


def _community_of(communities: Sequence[Area]) -> tuple[str, dict[int, int]]:
    """The communities' common root path and, for every area under it, the id of
    the deepest of ``communities`` it lies in (areas above them all are left out).
    The roll-up lists sub-districts and districts too: a row at a sub-district's own
    checkpoint or warehouse, in no community, is then credited to the sub-district."""
    from shouwang.areas.models import Area

    def read() -> tuple[Sequence[Area], str, dict[int, int]]:
        by_path = {c.path: c.pk for c in communities}
        root = _common_root(list(by_path))
        lengths = sorted({len(path) for path in by_path}, reverse=True)
        areas = Area.objects.order_by()
        if root:
            areas = areas.filter(path__startswith=root)
        out: dict[int, int] = {}
        for pk, path in _fetch(areas.values_list("pk", "path")):
            for length in lengths:
                community = by_path.get(path[:length])
                if community is not None:
                    out[pk] = community
                    break
        # the list is kept with the map: its identity cannot name another list
        return communities, root, out

    _, root, out = remember(("areas", id(communities)), read)
    return root, out


def _grouped(
    queryset: models.QuerySet,
    communities: Sequence[Area],
    values: Mapping[str, models.Aggregate],
    area: str,
    keys: Sequence[str],
    unplaced: bool = False,
) -> dict[Any, tuple[Any, ...]]:
    """``{community id, or (community id, *key values) with keys: numbers}``, None
    read as 0; see ``by_community_grouped``."""
    root, community_of = _community_of(communities)
    head, _, tail = area.partition("__")
    rows = queryset
    if root:
        rows = rows.filter(**{f"{area}__path__startswith" if area else "path__startswith": root})
    group = [head or "pk", *keys]
    rows = rows.order_by().values(*group).annotate(**values).values_list(*group, *values)
    if tail:
        hop = queryset.model._meta.get_field(head).related_model

        def hop_read() -> dict[Any, int]:
            return {
                pk: community_of[area_id]
                for pk, area_id in _fetch(hop.objects.order_by().values_list("pk", tail))
                if area_id in community_of
            }

        # the hop's rows credited straight to their community, per set of communities
        community_of = remember(("hop", hop._meta.label, tail, id(community_of)), hop_read)
    width = 1 + len(keys)
    sql, params = rows.query.sql_with_params()

    def read() -> dict[Any, tuple[Any, ...]]:
        get = community_of.get
        fetched = _fetch(rows, (sql, params))
        if not keys and len(values) == 1:  # the common case, in its own tight loop
            sums: dict[int, Any] = {}
            for area_id, n in fetched:
                community = get(area_id)
                if community is not None:
                    sums[community] = sums.get(community, 0) + (n or 0)
            return {community: (n,) for community, n in sums.items()}
        out: dict[Any, tuple[Any, ...]] = {}
        for row in fetched:
            community = get(row[0])
            if community is None and not unplaced:
                continue
            key = (community, *row[1:width]) if keys else community
            numbers = row[width:]
            if None in numbers:
                numbers = tuple(n or 0 for n in numbers)
            total = out.get(key)
            out[key] = (
                numbers if total is None else tuple(map(sum, zip(total, numbers, strict=True)))
            )
        return out

    # community_of is remembered per set of communities: its identity names the set
    return remember(("rows", sql, tuple(params), id(community_of), unplaced), read)


def by_community_grouped(
    queryset: models.QuerySet,
    communities: Sequence[Area],
    *,
    values: Mapping[str, models.Aggregate],
    keys: Sequence[str],
    area: str = "area",
    unplaced: bool = False,
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Aggregates of ``queryset`` per community and per value of ``keys`` (further
    columns of the rows, e.g. "recorded_by") in one query:
    ``{(community id, *key values): (one number per aggregate, in values' order)}``;
    with no ``values``, the key values found in each community. With ``unplaced``,
    the rows under ``common_root`` that lie in none of the communities (e.g. at a
    sub-district's own checkpoint) come too, under community None.

    The query groups by the rows' first hop to their area ("checkpoint" of
    "checkpoint__area": no join on the big table; "" when the rows are areas) and
    ``keys``; each group is then credited to its community in Python (the hop's
    rows and the area tree are small reads, shared). Inside ``shared_reads`` the
    same call runs once."""
    return _grouped(queryset, communities, values, area, keys, unplaced)


def credit(per_area: Mapping[int, int], communities: Sequence[Area]) -> dict[int, int]:
    """Numbers per area id (an app's own grouped read) summed per community, as
    ``by_community`` credits its groups; areas in none of the communities are left out."""
    _, community_of = _community_of(communities)
    out: dict[int, int] = {}
    for area_id, n in per_area.items():
        community = community_of.get(area_id)
        if community is not None:
            out[community] = out.get(community, 0) + n
    return out


def common_root(communities: Sequence[Area]) -> str:
    """The path under which the reads for these communities look ("" for the whole
    tree): the rows of areas outside it are never read."""
    return _community_of(communities)[0]


def by_community_many(
    queryset: models.QuerySet,
    communities: Sequence[Area],
    *,
    values: Mapping[str, models.Aggregate],
    area: str = "area",
) -> dict[str, dict[int, int]]:
    """Several aggregates of ``queryset`` per community in one query (as
    ``by_community_grouped`` with no keys): ``{name: {community id: number}}``."""
    grouped = _grouped(queryset, communities, values, area, ())
    out: dict[str, dict[int, int]] = {name: {} for name in values}
    totals = list(out.values())
    for community, numbers in grouped.items():
        for total, n in zip(totals, numbers, strict=True):
            total[community] = int(n)
    return out


def by_community(
    queryset: models.QuerySet,
    communities: Sequence[Area],
    *,
    area: str = "area",
    value: models.Aggregate | None = None,
) -> dict[int, int]:
    """``value`` (default: the row count) of ``queryset`` per community; one query.
    The count is COUNT(*): it needs no column, so an index on the grouping and
    filtering columns answers it alone (an index-only scan)."""
    aggregate = value if value is not None else models.Count("*")
    return by_community_many(queryset, communities, values={"value": aggregate}, area=area)["value"]


def hour_buckets(window: Window, at: str) -> dict[str, models.Aggregate]:
    """Counts by hour of ``window`` from its start, on the raw timestamp column ``at``
    of rows already limited to the window; merge them into ``by_community_many``'s
    values to share a scan, and read them back with ``hours``. They are running
    counts (rows before the start of each hour: one comparison per row and hour)
    and the total; no per-row date function (SQLite would run one in Python for
    every row)."""
    starts = window.hour_starts()
    return {
        **{
            f"hours_before_{h}": models.Count("pk", filter=models.Q(**{f"{at}__lt": starts[h]}))
            for h in range(1, 24)
        },
        "hours_total": models.Count("*"),
    }


def hours(counted: Mapping[str, Mapping[int, int]]) -> dict[int, list[int]]:
    """The 24 hourly counts per community out of ``by_community_many``'s result."""
    out: dict[int, list[int]] = {}
    before = [counted[f"hours_before_{h}"] for h in range(1, 24)]
    for community, total in counted["hours_total"].items():
        marks = [0, *(running.get(community, 0) for running in before), total]
        out[community] = [marks[h + 1] - marks[h] for h in range(24)]
    return out


def by_community_and_hour(
    queryset: models.QuerySet,
    communities: Sequence[Area],
    window: Window,
    *,
    at: str,
    area: str = "area",
) -> dict[int, list[int]]:
    """Row counts per community and hour of ``window``; one query."""
    counted = by_community_many(
        queryset.filter(**{f"{at}__gte": window.start, f"{at}__lt": window.end}),
        communities,
        values=hour_buckets(window, at),
        area=area,
    )
    return hours(counted)


def describe(indicator: Indicator) -> dict[str, Any]:
    """The fields an ``IndicatorDefinition`` row is seeded with."""
    return {
        "label": indicator.label,
        "unit": indicator.unit,
        "kind": indicator.kind,
        "incident": indicator.incident,
        "order": indicator.order,
        "description": indicator.help,
        "active": indicator.active,
    }
