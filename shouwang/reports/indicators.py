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
        return by_community(rows, communities, path="checkpoint__area__path")

    INDICATORS = [Indicator("persons_checked", "排查人员", "人", FLOW, persons_checked)]

A compute function takes the report day's window (aware ``start``/``end``, the end
being the cutoff) and the communities, and returns a value per community id. It runs a
fixed number of set-based queries (``by_community`` groups by the community's path
prefix: one query), never one per community.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.functions import Substr

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


def _groups(communities: Sequence[Area]) -> dict[int, dict[str, int]]:
    """Communities by path length (one group when the tree is regular): path → id."""
    groups: dict[int, dict[str, int]] = {}
    for community in communities:
        groups.setdefault(len(community.path), {})[community.path] = community.pk
    return groups


def _common_root(paths: Sequence[str]) -> str:
    prefix = os.path.commonprefix(list(paths))
    return prefix[: len(prefix) // SEGMENT * SEGMENT]


def by_community(
    queryset: models.QuerySet,
    communities: Sequence[Area],
    *,
    path: str = "area__path",
    value: models.Aggregate | None = None,
) -> dict[int, int]:
    """``value`` (default: the row count) of ``queryset`` per community, where ``path``
    is the lookup to the row's area path. One GROUP BY query per community depth."""
    out: dict[int, int] = {}
    for length, ids in _groups(communities).items():
        rows = (
            queryset.filter(**{f"{path}__startswith": _common_root(list(ids))})
            .annotate(_community=Substr(path, 1, length))
            .order_by()
            .values("_community")
            .annotate(_value=value if value is not None else models.Count("pk"))
        )
        for row in rows:
            community_id = ids.get(row["_community"])
            if community_id is not None:
                out[community_id] = int(row["_value"] or 0)
    return out


def by_community_and_hour(
    queryset: models.QuerySet,
    communities: Sequence[Area],
    window: Window,
    *,
    at: str,
    path: str = "area__path",
) -> dict[int, list[int]]:
    """Row counts per community and hour of ``window`` (24 buckets from its start;
    ``at`` is the timestamp field). One query: 24 conditional counts on the raw column,
    no per-row date function (SQLite would run one in Python for every row)."""
    starts = [*window.hour_starts(), window.end]
    buckets = {
        f"_h{h}": models.Count(
            "pk", filter=models.Q(**{f"{at}__gte": starts[h], f"{at}__lt": starts[h + 1]})
        )
        for h in range(24)
    }
    out: dict[int, list[int]] = {}
    for length, ids in _groups(communities).items():
        rows = (
            queryset.filter(
                **{f"{path}__startswith": _common_root(list(ids))},
                **{f"{at}__gte": window.start, f"{at}__lt": window.end},
            )
            .annotate(_community=Substr(path, 1, length))
            .order_by()
            .values("_community")
            .annotate(**buckets)
        )
        for row in rows:
            community_id = ids.get(row["_community"])
            if community_id is not None:
                out[community_id] = [row[f"_h{h}"] for h in range(24)]
    return out


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
