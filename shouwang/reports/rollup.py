"""The roll-up: one day's figures per community, summed up the tree into DailyFigure.

``rollup(day)`` runs each indicator's compute function once for all communities (a
fixed number of set-based queries), overlays the submitted reports, sums every
community into each ancestor (sub-district, district), recomputes the ratios at every
level and upserts one row per area. ``apply_report`` keeps the rows current when one
community submits or amends, touching only its row and its ancestors'.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from time import perf_counter
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Q
from django.utils import timezone

from shouwang.areas.models import SEGMENT, Area

from . import catalog, days
from .days import Window, window
from .indicators import shared_reads
from .models import DailyFigure, DailyReport, IndicatorDefinition, ReportValue

Number = int | float | None


@dataclass
class Row:
    area_id: int
    values: dict[str, Number] = field(default_factory=dict)
    auto: dict[str, Number] = field(default_factory=dict)
    hourly: dict[str, list[int]] = field(default_factory=dict)
    communities: int = 0
    submitted: int = 0
    zero: int = 0
    late: int = 0

    def add(self, other: Row, ratio_codes: set[str]) -> None:
        """Sum a community into this ancestor (official figures, hourly, counts; what
        the system counted is kept per community only)."""
        mine = self.values
        for code, value in other.values.items():
            if value is not None and code not in ratio_codes:
                mine[code] = mine.get(code, 0) + value
        for code, series in other.hourly.items():
            total = self.hourly.get(code)
            self.hourly[code] = (
                list(series)
                if total is None
                else [a + b for a, b in zip(total, series, strict=True)]
            )
        self.communities += other.communities
        self.submitted += other.submitted
        self.zero += other.zero
        self.late += other.late


@dataclass(frozen=True)
class Result:
    day: date
    communities: int
    areas: int
    seconds: float
    #: of which running the indicators' queries, and writing the rows
    compute_seconds: float = 0.0
    store_seconds: float = 0.0


def ratios(definitions: Iterable[IndicatorDefinition]) -> list[tuple[str, str, str]]:
    """(code, numerator code, denominator code) of the percentage indicators."""
    return [(d.code, *d.ratio) for d in definitions if d.ratio is not None]


def apply_ratios(values: dict[str, Number], definitions: Iterable[IndicatorDefinition]) -> None:
    apply_ratio_codes(values, ratios(definitions))


def apply_ratio_codes(values: dict[str, Number], codes: Iterable[tuple[str, str, str]]) -> None:
    for code, numerator_code, denominator_code in codes:
        numerator, denominator = values.get(numerator_code), values.get(denominator_code)
        values[code] = round((numerator or 0) * 100 / denominator, 1) if denominator else None


def compute(
    span: Window, communities: Sequence[Area], definitions: Iterable[IndicatorDefinition]
) -> tuple[dict[int, dict[str, Number]], dict[int, dict[str, list[int]]]]:
    """What the system counts for each community: values, and the hourly series of
    the day in progress (the dashboard's chart; a closed day keeps those of its last
    roll-up before the cutoff)."""
    values: dict[int, dict[str, Number]] = {c.pk: {} for c in communities}
    hourly: dict[int, dict[str, list[int]]] = {}
    with shared_reads():
        _compute_into(span, communities, definitions, values, hourly)
    return values, hourly


def _compute_into(
    span: Window,
    communities: Sequence[Area],
    definitions: Iterable[IndicatorDefinition],
    values: dict[int, dict[str, Number]],
    hourly: dict[int, dict[str, list[int]]],
) -> None:
    rows = [(community.pk, values[community.pk]) for community in communities]
    for definition in definitions:
        indicator = definition.indicator
        if indicator is None or indicator.compute is None:
            continue
        counted, code = indicator.compute(span, communities), definition.code
        for pk, mine in rows:
            mine[code] = int(counted.get(pk, 0))
        if indicator.hourly is not None and span.is_open:
            for community_id, series in indicator.hourly(span, communities).items():
                hourly.setdefault(community_id, {})[definition.code] = list(series)


def auto_values(community: Area, day: date) -> dict[str, Number]:
    """What the system counts for one community (the report form's suggestions)."""
    rows = catalog.all_definitions()
    values, _ = compute(window(day), [community], catalog.to_compute(rows))
    return values[community.pk]


def _nearest(uppers: dict[str, Row], path: str) -> Row | None:
    """The row of the closest area above ``path`` among ``uppers``."""
    for end in range(len(path) - SEGMENT, 0, -SEGMENT):
        upper = uppers.get(path[:end])
        if upper is not None:
            return upper
    return None


# A closed day still takes data uploaded late by phones that were offline: check-ins
# up to 7 days old (checkpoints.api.MAX_AGE), a temperature or 劝返 settled on a
# passage afterwards. The scheduled roll-up re-counts such recent days now and then.
LATE_DAYS = 7


def due_days(now: datetime | None = None) -> list[date]:
    """The days the scheduled roll-up computes: the day in progress every time; each
    recent closed day not yet rolled up after its cutoff (its final figures); and at
    most one more closed day of the last ``LATE_DAYS`` whose last roll-up is older
    than its age in days, in hours (the day just closed hourly, the day before every
    two hours, ...), so that late uploads reach the totals without a manual
    ``report_rollup --day``. A submitted report keeps its figures: a roll-up overlays
    them on what the system counts."""
    now = now or timezone.now()
    wanted = [days.open_day(now)]
    closed = days.last_closed_day(now)
    last = dict(
        DailyFigure.objects.filter(day__gt=closed - timedelta(days=LATE_DAYS), day__lte=closed)
        .values_list("day")
        .annotate(Max("computed_at"))
    )
    if last.get(closed) is None or last[closed] < days.window(closed).end:
        wanted.append(closed)
    stale = [
        (at, day)
        for day, at in last.items()
        if day not in wanted and at < now - timedelta(hours=(closed - day).days + 1)
    ]
    if stale:
        wanted.append(min(stale)[1])
    return wanted


def rollup(day: date, *, root: Area | None = None) -> Result:
    """Recompute and store the figures of ``day`` for every community under ``root``
    (every community when None) and for the sub-districts and districts above them
    inside ``root``'s subtree."""
    started, read_at = perf_counter(), timezone.now()
    rows = catalog.all_definitions()
    # Whether each community reports the day (from its first day on), in the query.
    communities_qs = (
        Area.objects.communities()
        .only("id", "path")
        .annotate(expected=ExpressionWrapper(days.expected_on(day), output_field=BooleanField()))
    )
    uppers_qs = Area.objects.filter(kind__in=[Area.Kind.DISTRICT, Area.Kind.SUBDISTRICT])
    reports_qs = DailyReport.objects.filter(day=day)
    values_qs = ReportValue.objects.filter(
        report__day=day, report__status=DailyReport.Status.SUBMITTED
    )
    if root is not None:
        communities_qs = communities_qs.within(root)
        uppers_qs = uppers_qs.within(root)
        reports_qs = reports_qs.within(root)
        values_qs = values_qs.filter(report__community__path__startswith=root.path)
    communities = list(communities_qs)
    upper_areas = list(uppers_qs.only("id", "path"))
    reported: dict[int, dict[str, int]] = {}
    for community_id, code, value in values_qs.values_list("report__community_id", "code", "value"):
        reported.setdefault(community_id, {})[code] = value
    # An indicator retired since the day's reports gave it is still counted for every
    # community (a total of the reporting ones only would be partial).
    definitions = catalog.to_compute(rows, {code for mine in reported.values() for code in mine})
    ratio_codes = {d.code for d in definitions if d.ratio}
    computing = perf_counter()
    with scanning():
        # The upper areas are counted too, for what lies in none of their communities
        # (a sub-district's own road checkpoint, its warehouse): their own figures.
        auto, hourly = compute(window(day), [*communities, *upper_areas], definitions)
    compute_seconds = perf_counter() - computing
    status = {
        community_id: (state == DailyReport.Status.SUBMITTED, is_zero, late)
        for community_id, state, is_zero, late in reports_qs.values_list(
            "community_id", "status", "is_zero", "late"
        )
    }
    uppers = {
        area.path: Row(
            area_id=area.pk,
            values=dict(auto[area.pk]),
            auto=dict(auto[area.pk]),
            hourly=hourly.get(area.pk, {}),
        )
        for area in upper_areas
    }

    out: list[Row] = []
    for community in communities:
        # Before its first day a community does not report: it counts as none of the
        # communities that report the day (so not as missing), with what the system
        # counted as its figures.
        expected = bool(community.expected)
        none = (False, False, False)
        submitted, is_zero, late = status.get(community.pk, none) if expected else none
        values = dict(auto[community.pk])
        if submitted:
            values.update(reported.get(community.pk, {}))
        row = Row(
            area_id=community.pk,
            values=values,
            auto=dict(auto[community.pk]),
            hourly=hourly.get(community.pk, {}),
            communities=int(expected),
            submitted=int(submitted),
            zero=int(submitted and is_zero),
            late=int(submitted and late),
        )
        out.append(row)
        parent = _nearest(uppers, community.path)
        if parent is not None:
            parent.add(row, ratio_codes)
    # Each sub-district then into its district (deepest first): every community
    # counted once at each level above it, in one addition per area.
    for path in sorted(uppers, key=len, reverse=True):
        parent = _nearest(uppers, path)
        if parent is not None:
            parent.add(uppers[path], ratio_codes)
    out.extend(uppers.values())
    percentages = ratios(definitions)
    for row in out:
        apply_ratio_codes(row.values, percentages)
        apply_ratio_codes(row.auto, percentages)
    storing = perf_counter()
    _store(day, out, hourly=window(day).is_open)
    # A report submitted or amended while this roll-up ran was read before that and
    # has just been overwritten: apply it again (a no-op for a report already counted).
    changed = reports_qs.filter(status=DailyReport.Status.SUBMITTED, updated_at__gte=read_at)
    for report in changed.select_related("community"):
        apply_report(report)
    return Result(
        day=day,
        communities=len(communities),
        areas=len(out),
        seconds=round(perf_counter() - started, 3),
        compute_seconds=round(compute_seconds, 3),
        store_seconds=round(perf_counter() - storing, 3),
    )


# The levels the roll-up stores a row for: every community and every area above. A
# compound's or a building's figures are computed when asked (``subtree_figures``).
STORED_KINDS = (Area.Kind.DISTRICT, Area.Kind.SUBDISTRICT, Area.Kind.COMMUNITY)


def subtree_figures(
    area: Area, day: date, *, children: Sequence[Area] = ()
) -> dict[int, DailyFigure]:
    """The figures of ``day`` of an area below the stored levels (a compound, a
    building) and of each of its ``children``, by area id: computed now with the
    indicators' own queries (a fixed number, each reading the area's subtree only)
    and summed as the roll-up sums a sub-district — ``values`` the subtree's totals,
    ``auto`` what lies in none of the children (a compound's own checkpoint, its
    households without a building), ratios recomputed at each level. Unsaved rows,
    read as stored ones are. No daily report applies below a community: they are what
    the system counts (a community's typed-in indicators have none)."""
    return subtree_figures_on(area, [day], children=children, children_on=day)[day]


def subtree_figures_on(
    area: Area,
    days_: Sequence[date],
    *,
    children: Sequence[Area] = (),
    children_on: date | None = None,
) -> dict[date, dict[int, DailyFigure]]:
    """``subtree_figures`` of each of ``days_`` in one pass, with ``children`` on the
    day ``children_on`` only: the definitions read once, one transaction, and the
    reads that are the same every day (the area tree, the rows' hops to their areas)
    run once for all days."""
    definitions = catalog.to_compute(catalog.all_definitions())
    ratio_codes = {d.code for d in definitions if d.ratio}
    percentages = ratios(definitions)
    alone, listed = [area], [area, *children]
    areas = {a.pk: a for a in listed}
    out: dict[date, dict[int, DailyFigure]] = {}
    with scanning(), shared_reads():
        for day in days_:
            below = children if day == children_on else ()
            counted, hourly = compute(window(day), listed if below else alone, definitions)
            out[day] = _subtree_rows(
                area, day, below, counted, hourly, ratio_codes, percentages, areas
            )
    return out


def _subtree_rows(
    area: Area,
    day: date,
    children: Sequence[Area],
    counted: dict[int, dict[str, Number]],
    hourly: dict[int, dict[str, list[int]]],
    ratio_codes: set[str],
    percentages: list[tuple[str, str, str]],
    areas: dict[int, Area],
) -> dict[int, DailyFigure]:
    mine = counted[area.pk]
    total = Row(area_id=area.pk, values=dict(mine), auto=dict(mine), hourly=hourly.get(area.pk, {}))
    rows = {}
    for child in children:
        theirs = counted[child.pk]
        row = Row(
            area_id=child.pk,
            values=dict(theirs),
            auto=dict(theirs),
            hourly=hourly.get(child.pk, {}),
        )
        total.add(row, ratio_codes)
        rows[child.pk] = row
    rows[area.pk] = total
    now = timezone.now()
    figures = {}
    for pk, row in rows.items():
        apply_ratio_codes(row.values, percentages)
        apply_ratio_codes(row.auto, percentages)
        figures[pk] = DailyFigure(
            area=areas[pk],
            day=day,
            values=row.values,
            auto=row.auto,
            hourly=row.hourly,
            computed_at=now,
        )
    return figures


def resum_uppers(uppers: Iterable[Area]) -> int:
    """Make each of ``uppers`` (sub-districts, districts) again the sum of the stored
    rows of the communities now under it, on every day it or they have rows: after a
    community or a sub-district moves, the totals left behind and joined follow the
    tree, and a later amendment's change lands on totals that hold the community.
    Returns how many rows were rewritten."""
    definitions = catalog.to_compute(catalog.all_definitions())
    ratio_codes = {d.code for d in definitions if d.ratio}
    percentages = ratios(definitions)
    rewritten = 0
    for upper in uppers:
        # The upper area's own rows and its communities' rows, every day, in one read.
        figures = DailyFigure.objects.filter(area__path__startswith=upper.path).filter(
            Q(area=upper) | Q(area__kind=Area.Kind.COMMUNITY)
        )
        by_day: dict[date, Row] = {}
        for figure in figures.order_by("day"):
            row = by_day.setdefault(figure.day, Row(area_id=upper.pk))
            if figure.area_id == upper.pk:
                own = figure.auto or {}
                row.auto = own
                for code, value in own.items():
                    if value is not None and code not in ratio_codes:
                        row.values[code] = row.values.get(code, 0) + value
                continue
            community = Row(
                area_id=figure.area_id,
                values=figure.values,
                hourly=figure.hourly or {},
                communities=figure.communities,
                submitted=figure.submitted,
                zero=figure.zero,
                late=figure.late,
            )
            row.add(community, ratio_codes)
        for day, row in by_day.items():
            apply_ratio_codes(row.values, percentages)
            _store(day, [row], hourly=True)
        rewritten += len(by_day)
    return rewritten


@contextmanager
def scanning() -> Iterator[None]:
    """A transaction for the roll-up's reads, with PostgreSQL settings for queries
    that each aggregate a big table (the day's check-ins, the ledger).

    - No JIT: compiling one of these queries cost 80-900 ms (more under load) and
      saved less than that.
    - Index pages priced as the cached pages they are (the server default prices
      each as a random disk read): the ledger's counts then come from the covering
      indexes (person_area_stock, household_area_created), a third to a half of the
      time of reading the tables.
    - Hash tables of the check-ins per checkpoint, recorder (and hour) in memory.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('jit', 'off', true),"
                    " set_config('random_page_cost', '1.1', true),"
                    " set_config('work_mem', '64MB', true)"
                )
        yield


# SQLite: one JSON parameter per batch, expanded by the database (binding thousands
# of parameters costs far more than the insert itself). What the system counted
# ("u") is sent only where it differs from the official figures ("v").
_UPSERT_SQLITE = """
    INSERT INTO {table} (area_id, day, "values", auto, hourly, communities, submitted, zero,
                         late, computed_at)
    SELECT json_extract(r.value, '$.a'), %s, json_extract(r.value, '$.v'),
           COALESCE(json_extract(r.value, '$.u'), json_extract(r.value, '$.v')),
           json_extract(r.value, '$.h'),
           json_extract(r.value, '$.c'), json_extract(r.value, '$.s'),
           json_extract(r.value, '$.z'), json_extract(r.value, '$.l'), %s
    FROM json_each(%s) AS r WHERE true
    ON CONFLICT (area_id, day) DO UPDATE SET {updates}
"""

# PostgreSQL: the rows are COPied into a temporary table, then upserted from it in
# one statement (half the time of expanding one big JSON parameter: the database
# parses each figure once, and no statement text of megabytes).
_STAGE = "reports_rollup_rows"
_UPSERT_POSTGRESQL = """
    INSERT INTO {table} (area_id, day, "values", auto, hourly, communities, submitted, zero,
                         late, computed_at)
    SELECT area_id, %s, v, COALESCE(u, v), h, c, s, z, l, %s FROM {stage}
    ON CONFLICT (area_id, day) DO UPDATE SET {updates}
"""


def _store(day: date, rows: Sequence[Row], *, hourly: bool) -> None:
    fields = ["values", "auto", "hourly", "communities", "submitted", "zero", "late"]
    kept = fields if hourly else [name for name in fields if name != "hourly"]
    now = timezone.now()
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in [*kept, "computed_at"])
    table = DailyFigure._meta.db_table
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    ops = connection.ops
    # One transaction: readers see the whole tree of one roll-up or of the one before.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The commit does not wait for the disk (several MB of WAL for a city; this
            # virtual disk stalls for 50-400 ms): a crash may lose this roll-up's rows
            # only, and the next run (every 5 minutes) or `report_rollup --day` writes
            # them again from the source tables.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_STAGE} (area_id bigint, v jsonb, u jsonb, h jsonb,"
                " c integer, s integer, z integer, l integer)"
            )
            with cursor.cursor.copy(f"COPY {_STAGE} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        (
                            row.area_id,
                            dumps(row.values),
                            None if row.auto == row.values else dumps(row.auto),
                            dumps(row.hourly),
                            row.communities,
                            row.submitted,
                            row.zero,
                            row.late,
                        )
                    )
            cursor.execute(
                _UPSERT_POSTGRESQL.format(table=table, stage=_STAGE, updates=updates), [day, now]
            )
            cursor.execute(f"DROP TABLE {_STAGE}")
        elif connection.vendor == "sqlite":
            sql = _UPSERT_SQLITE.format(table=table, updates=updates)
            for start in range(0, len(rows), 2000):
                payload = [
                    {
                        "a": row.area_id,
                        "v": row.values,
                        **({"u": row.auto} if row.auto != row.values else {}),
                        "h": row.hourly,
                        "c": row.communities,
                        "s": row.submitted,
                        "z": row.zero,
                        "l": row.late,
                    }
                    for row in rows[start : start + 2000]
                ]
                cursor.execute(
                    sql,
                    [
                        ops.adapt_datefield_value(day),
                        ops.adapt_datetimefield_value(now),
                        dumps(payload),
                    ],
                )
        else:
            DailyFigure.objects.bulk_create(
                [
                    DailyFigure(
                        area_id=row.area_id,
                        day=day,
                        computed_at=now,
                        **{name: getattr(row, name) for name in fields},
                    )
                    for row in rows
                ],
                update_conflicts=True,
                unique_fields=["area", "day"],
                update_fields=[*kept, "computed_at"],
            )


def _locked_figures(day: date, paths: list[str]) -> dict[int, DailyFigure]:
    """The figure rows of ``day`` for the areas at ``paths``, locked, by area id."""
    return {
        figure.area_id: figure
        for figure in DailyFigure.objects.select_for_update(of=("self",)).filter(
            day=day, area__path__in=paths
        )
    }


@transaction.atomic
def apply_report(report: DailyReport) -> None:
    """Bring the community's row and its ancestors' rows in line with ``report``
    (just submitted or amended). Missing ancestor rows are left to the next roll-up."""
    definitions = catalog.to_compute(catalog.all_definitions())
    ratio_codes = {d.code for d in definitions if d.ratio}
    community = report.community
    prefixes = [community.path[:end] for end in range(SEGMENT, len(community.path), SEGMENT)]
    rows = _locked_figures(report.day, [*prefixes, community.path])
    values = list(report.values.all())
    mine = rows.get(community.pk)
    # No roll-up row yet: the system's counts, those the report form showed taking
    # precedence; the counts no form line carries (a ratio's numerator) come from here.
    auto: dict[str, Any] = (
        dict(mine.auto)
        if mine is not None
        else {
            **auto_values(community, report.day),
            **{v.code: v.auto_value for v in values if v.auto_value is not None},
        }
    )
    new = Row(
        area_id=community.pk,
        values={**{k: v for k, v in auto.items() if k not in ratio_codes}},
        auto=auto,
        communities=1,
        submitted=int(report.is_submitted),
        zero=int(report.is_submitted and report.is_zero),
        late=int(report.is_submitted and report.late),
    )
    new.values.update({v.code: v.value for v in values})
    old = Row(area_id=community.pk)
    if mine is not None:
        old = Row(
            area_id=community.pk,
            values=dict(mine.values),
            communities=mine.communities,
            submitted=mine.submitted,
            zero=mine.zero,
            late=mine.late,
        )
    apply_ratios(new.values, definitions)
    # ``computed_at`` stays the time of the last roll-up (what the system counted, and
    # what tells the scheduled roll-up whether a closed day has had its final one).
    if mine is None:
        apply_ratios(auto, definitions)
        mine = DailyFigure(area=community, day=report.day, auto=auto, hourly={})
    mine.values, mine.communities = new.values, 1
    mine.submitted, mine.zero, mine.late = new.submitted, new.zero, new.late
    try:
        with transaction.atomic():
            mine.save()
    except IntegrityError:
        # A roll-up inserted the community's row after the lookup (nothing is written
        # before this save): apply the report over that row instead.
        if not DailyFigure.objects.filter(area=community, day=report.day).exists():
            raise
        apply_report(report)
        return
    codes = (set(new.values) | set(old.values)) - ratio_codes
    for figure in rows.values():
        if figure.area_id == community.pk:
            continue
        for code in codes:
            delta = (new.values.get(code) or 0) - (old.values.get(code) or 0)
            figure.values[code] = (figure.values.get(code) or 0) + delta
        figure.communities += new.communities - old.communities
        figure.submitted += new.submitted - old.submitted
        figure.zero += new.zero - old.zero
        figure.late += new.late - old.late
        apply_ratios(figure.values, definitions)
        figure.save(update_fields=["values", "communities", "submitted", "zero", "late"])
