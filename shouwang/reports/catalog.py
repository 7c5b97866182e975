"""The indicators on offer: HQ's definition rows, seeded from the registry.

A registry code without a row gets one (in the registry's order); a row whose module
is gone is kept but not offered; a manual row whose code a module now computes turns
automatic. Reading the catalogue costs one query when nothing needs seeding.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from .indicators import describe, registry
from .models import IndicatorDefinition

Source = IndicatorDefinition.Source


def _source_of(code: str) -> str:
    indicator = registry().get(code)
    return Source.MANUAL if indicator is None or indicator.manual else Source.AUTO


def all_definitions() -> list[IndicatorDefinition]:
    """Every definition row (retired and unavailable ones too), seeding missing ones."""
    rows = list(IndicatorDefinition.objects.all())
    known = {row.code: row for row in rows}
    missing = [
        IndicatorDefinition(code=code, source=_source_of(code), **describe(indicator))
        for code, indicator in registry().items()
        if code not in known
    ]
    stale = [
        row.code
        for row in rows
        if row.source == Source.MANUAL and _source_of(row.code) == Source.AUTO
    ]
    if missing:
        IndicatorDefinition.objects.bulk_create(missing, ignore_conflicts=True)
    if stale:
        IndicatorDefinition.objects.filter(code__in=stale).update(source=Source.AUTO)
    if missing or stale:
        rows = list(IndicatorDefinition.objects.all())
    return rows


def offered(rows: Sequence[IndicatorDefinition] | None = None) -> list[IndicatorDefinition]:
    """Active, available definitions in HQ's order: the columns of every report."""
    rows = all_definitions() if rows is None else rows
    return [row for row in rows if row.active and row.available]


def offered_or_carried(
    codes: Collection[str], rows: Sequence[IndicatorDefinition] | None = None
) -> list[IndicatorDefinition]:
    """Offered definitions plus those, retired since, whose code is in ``codes`` (the
    figures a past day's reports carried), in HQ's order."""
    rows = all_definitions() if rows is None else rows
    on = offered(rows)
    return [row for row in rows if row in on or row.code in codes]


def to_compute(
    rows: Sequence[IndicatorDefinition], carried: Collection[str] = ()
) -> list[IndicatorDefinition]:
    """Offered definitions plus the parts of offered ratios (even when retired), and
    those whose code is in ``carried`` (retired since a day's reports gave them: the
    roll-up of that day counts them for every community, not only the reporting ones)."""
    on = offered(rows)
    parts = {code for row in on if row.ratio for code in row.ratio}
    wanted = parts | set(carried)
    return [row for row in rows if row.available and (row in on or row.code in wanted)]
