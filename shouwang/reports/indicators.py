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

import importlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models

from shouwang.areas.models import SEGMENT

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
    for config in apps.get_app_configs():
        if not config.name.startswith("shouwang."):
            continue
        name = f"{config.name}.indicators"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
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
    The roll-up opens one around all compute functions."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _remember(key: Any, read: Callable[[], Any]) -> Any:
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _common_root(paths: Sequence[str]) -> str:
    prefix = os.path.commonprefix(list(paths))
    return prefix[: len(prefix) // SEGMENT * SEGMENT]


def _community_of(communities: Sequence[Area]) -> tuple[str, dict[int, int]]:
    """The communities' common root path and, for every area under it, the id of
    the community it lies in (areas above the communities are left out)."""
    from shouwang.areas.models import Area

    by_path = {c.path: c.pk for c in communities}
    root = _common_root(list(by_path))
    lengths = sorted({len(path) for path in by_path})

    def read() -> dict[int, int]:
        areas = Area.objects.all()
        if root:
            areas = areas.filter(path__startswith=root)
        out: dict[int, int] = {}
        for pk, path in areas.values_list("pk", "path").iterator(chunk_size=10_000):
            for length in lengths:
                community = by_path.get(path[:length])
                if community is not None:
                    out[pk] = community
                    break
        return out

    return root, _remember(("areas", root, tuple(sorted(by_path.values()))), read)


def by_community_many(
    queryset: models.QuerySet,
    communities: Sequence[Area],
    *,
    values: Mapping[str, models.Aggregate],
    area: str = "area",
) -> dict[str, dict[int, int]]:
    """Several aggregates of ``queryset`` per community in one query: GROUP BY the
    rows' area (``area`` is the lookup to it, e.g. "checkpoint__area"; "" when the
    rows are areas), then each area is credited to its community in Python. Inside
    ``shared_reads`` the same call runs once."""
    root, community_of = _community_of(communities)
    # Group by the first hop only ("checkpoint" of "checkpoint__area"): no join on the
    # big table; the hop's rows are mapped to their area in a second, small read.
    head, _, tail = area.partition("__")
    key = head or "pk"
    rows = queryset
    if root:
        rows = rows.filter(**{f"{area}__path__startswith" if area else "path__startswith": root})
    names = list(values)
    rows = rows.order_by().values(key).annotate(**values).values_list(key, *names)
    area_of: dict[Any, Any] | None = None
    if tail:
        hop = queryset.model._meta.get_field(head).related_model
        area_of = _remember(
            ("hop", hop._meta.label, tail), lambda: dict(hop.objects.values_list("pk", tail))
        )

    def read() -> dict[str, dict[int, int]]:
        out: dict[str, dict[int, int]] = {name: {} for name in names}
        totals = [out[name] for name in names]
        # Plain rows from the cursor: ids and numbers need no model-field conversion.
        with connections[rows.db].cursor() as cursor:
            cursor.execute(*rows.query.sql_with_params())
            for row in cursor.fetchall():
                where = row[0] if area_of is None else area_of.get(row[0])
                community = community_of.get(where)
                if community is None:
                    continue
                for total, value in zip(totals, row[1:], strict=True):
                    total[community] = total.get(community, 0) + int(value or 0)
        return out

    # community_of is remembered per set of communities: its identity names the set
    return _remember(("rows", str(rows.query), id(community_of)), read)


def by_community(
    queryset: models.QuerySet,
    communities: Sequence[Area],
    *,
    area: str = "area",
    value: models.Aggregate | None = None,
) -> dict[int, int]:
    """``value`` (default: the row count) of ``queryset`` per community; one query."""
    aggregate = value if value is not None else models.Count("pk")
    return by_community_many(queryset, communities, values={"value": aggregate}, area=area)["value"]


def hour_buckets(window: Window, at: str) -> dict[str, models.Aggregate]:
    """24 conditional counts, one per hour of ``window`` from its start, on the raw
    timestamp column ``at`` (no per-row date function: SQLite would run one in Python
    for every row). Merge them into ``by_community_many``'s values to share a scan."""
    starts = [*window.hour_starts(), window.end]
    return {
        f"hour_{h}": models.Count(
            "pk", filter=models.Q(**{f"{at}__gte": starts[h], f"{at}__lt": starts[h + 1]})
        )
        for h in range(24)
    }


def hours(counted: Mapping[str, Mapping[int, int]]) -> dict[int, list[int]]:
    """The 24 hourly counts per community out of ``by_community_many``'s result."""
    out: dict[int, list[int]] = {}
    for h in range(24):
        for community, n in counted.get(f"hour_{h}", {}).items():
            out.setdefault(community, [0] * 24)[h] = n
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
    }


# The reports app's own indicators: figures no module records yet, typed in by the
# community. A module that later records them offers an indicator with the same code,
# which then takes over (its definition row switches to automatic).
INDICATORS = [
    Indicator(
        "suspected_new", "新增疑似病例", "例", FLOW, incident=True, order=30, help="社区填报"
    ),
    Indicator(
        "confirmed_new", "新增确诊病例", "例", FLOW, incident=True, order=31, help="社区填报"
    ),
]
