"""Presence tracing over check-ins, against an abstract presence table.

The tracing reads one table with three columns — checkpoint, person, time — and needs
two indexes on it: ``(person, ts)`` to find where the traced person passed, and
``(checkpoint, ts)`` covering ``person`` to find who else passed the same checkpoint
within ±N minutes. The table is declared by a ``PresenceSource``: the check-in app
names its table in its AppConfig (``presence_source = PresenceSource(table=
"checkpoints_checkin", ...)``); ``settings.CASES_PRESENCE_SOURCE`` overrides it (tests,
benchmarks).

Hop 1 is one SQL query (``first_hop_query``): a ``UNION ALL`` branch per pass of the
case, each a range of the ``(checkpoint, ts)`` index read from the index alone; the
database matches every row to the closest pass, drops duplicates, the case and rows
without a person, and aggregates one row per person with their encounters as JSON —
the shape ``cases.TraceHit`` stores, so the interactive request ranks, filters and
stores hits with one ``INSERT … SELECT`` and no row becomes a Python object.
``trace()`` runs the same query and parses its rows. Hop 2 (a background job over up
to hundreds of persons' passes) merges overlapping windows and matches in Python
(``crossings``).

Times are compared with bound parameters (no interval arithmetic); the few
engine-specific pieces (time differences, JSON) are in ``_DIALECTS``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.db import connections

# Statements stay small: 200 windows (600 parameters) or 500 persons per query. Hop 1
# is one statement with a branch per pass of the case (28 days hold ~200): SQLite
# takes at most 500 branches in one compound SELECT.
WINDOWS_PER_QUERY = 200
PERSONS_PER_QUERY = 500
MAX_PASSES = 500
MAX_HOPS = 2


class PresenceUnavailable(RuntimeError):
    """No check-in table is declared: tracing cannot run."""


class TooManyPasses(ValueError):
    """More passes of the traced person than one statement takes."""


@dataclass(frozen=True)
class PresenceSource:
    """Where presence rows live: a table with checkpoint, person and time columns."""

    table: str
    checkpoint: str = "checkpoint_id"
    person: str = "person_id"
    ts: str = "ts"
    # A model whose rows name the checkpoints (e.g. "checkpoints.Checkpoint").
    checkpoint_model: str | None = None
    checkpoint_label: str = "name"
    database: str = "default"


def current_source() -> PresenceSource | None:
    """The configured presence table: the setting, else an app's ``presence_source``."""
    configured = getattr(settings, "CASES_PRESENCE_SOURCE", None)
    if configured is not None:
        return configured
    for config in apps.get_app_configs():
        source = getattr(config, "presence_source", None)
        if source is not None:
            return source
    return None


def require_source(source: PresenceSource | None = None) -> PresenceSource:
    source = source or current_source()
    if source is None:
        raise PresenceUnavailable("卡点通行数据尚未接入，暂时不能进行轨迹追踪")
    return source


class Pass(NamedTuple):
    at: datetime
    checkpoint_id: int


class Encounter(NamedTuple):
    checkpoint_id: int
    at: datetime  # the found person's pass
    met_at: datetime  # the pass of the person they met (the case, or a hop-1 person)

    @property
    def gap_seconds(self) -> int:
        return int(abs((self.at - self.met_at).total_seconds()))


@dataclass
class Hit:
    person_id: int
    hop: int
    encounters: list[Encounter]  # in time order
    via: int | None = None  # hop 2: the hop-1 person met

    @property
    def first_at(self) -> datetime:
        return self.encounters[0].at

    @property
    def last_at(self) -> datetime:
        return self.encounters[-1].at

    @property
    def closest_seconds(self) -> int:
        return min(e.gap_seconds for e in self.encounters)


@dataclass
class TraceResult:
    person_id: int
    start: datetime
    end: datetime
    window_minutes: int
    passes: list[Pass]
    hits: list[Hit] = field(default_factory=list)


def trace(
    *,
    person: Any,
    start: datetime,
    end: datetime,
    window_minutes: int,
    hops: int = 1,
    source: PresenceSource | None = None,
) -> TraceResult:
    """Where ``person`` passed in ``[start, end)`` and everyone who passed the same
    checkpoint within ±``window_minutes`` of them (inclusive); with ``hops=2`` also who
    crossed those persons' paths after they first met the case."""
    if not 1 <= hops <= MAX_HOPS:
        raise ValueError("hops must be 1 or 2")
    src = require_source(source)
    person_id = int(getattr(person, "pk", person))
    window = timedelta(minutes=window_minutes)
    own = passes_of([person_id], start=start, end=end, source=src).get(person_id, [])
    first = first_hop(person_id, own, window=window, source=src)
    result = TraceResult(person_id, start, end, window_minutes, own, first)
    if hops == 2:
        result.hits.extend(
            next_hop(first, end=end, window_minutes=window_minutes, exclude={person_id}, source=src)
        )
    return result


def first_hop(
    person_id: int, passes: Sequence[Pass], *, window: timedelta, source: PresenceSource
) -> list[Hit]:
    """The persons ``first_hop_query`` finds, as ``Hit`` objects in person order."""
    if not passes:
        return []
    query = first_hop_query(person_id, passes, window=window, source=source)
    fromisoformat = datetime.fromisoformat
    hits = []
    for pid, encounters in _rows(
        f"{query.sql} SELECT person_id, encounters FROM ({query.hit_rows()}) x"  # noqa: S608
        " ORDER BY person_id",
        query.params,
        source,
    ):
        parsed = json.loads(encounters) if isinstance(encounters, str) else encounters
        hits.append(
            Hit(
                person_id=pid,
                hop=1,
                encounters=[
                    Encounter(
                        e["checkpoint_id"], fromisoformat(e["at"]), fromisoformat(e["met_at"])
                    )
                    for e in parsed
                ],
            )
        )
    return hits


@dataclass(frozen=True)
class FirstHopQuery:
    """Hop 1 as a ``WITH`` clause, to be followed by more common table expressions or
    a ``SELECT``. It defines

    - ``found(person_id, checkpoint_id, at, met, met_iso, label, gap)``: each row of
      another person within the window of a pass of the case, once, matched to the
      case's closest pass (the earlier one on a tie);
    - ``hits(person_id, first_at, last_at, closest_seconds)``: one row per person.

    ``hit_rows()`` selects from ``found`` the columns of ``cases.TraceHit``:
    ``person_id``, ``first_at``, ``last_at``, ``closest_seconds`` and ``encounters``,
    a JSON array in time order of ``{"checkpoint_id", "checkpoint", "at", "met_at"}``
    (ISO 8601)."""

    sql: str
    params: list[Any]
    vendor: str

    def hit_rows(self, persons: str | None = None) -> str:
        """The rows of every person found, or of the ids ``persons`` (a subquery over
        the CTEs) selects."""
        where = f" WHERE person_id IN ({persons})" if persons else ""
        dialect = _DIALECTS[self.vendor]
        return (
            "SELECT person_id, min(at) AS first_at, max(at) AS last_at,"  # noqa: S608
            f" {dialect['seconds']} AS closest_seconds, {dialect['encounters']} AS encounters"
            f" FROM (SELECT * FROM found{where} ORDER BY person_id, at, checkpoint_id) f"
            " GROUP BY person_id"
        )


def first_hop_query(
    person_id: int,
    passes: Sequence[Pass],
    *,
    window: timedelta,
    source: PresenceSource,
    labels: dict[int, str] | None = None,
) -> FirstHopQuery:
    """Everyone but ``person_id`` who passed a checkpoint within ±``window``
    (inclusive) of one of ``passes`` (at most ``MAX_PASSES``); ``labels`` name the
    checkpoints in the encounters."""
    if not passes:
        raise ValueError("no passes to trace from")
    if len(passes) > MAX_PASSES:
        raise TooManyPasses(f"所选时段内通行记录过多（{len(passes)} 次），请缩短时段")
    connection = connections[source.database]
    dialect = _DIALECTS[connection.vendor]
    q = connection.ops.quote_name
    labels = labels or {}
    params: list[Any] = []
    for p in passes:
        params += [
            _db_time(p.at, source),
            p.at.isoformat(),
            labels.get(p.checkpoint_id, ""),
            p.checkpoint_id,
            _db_time(p.at - window, source),
            _db_time(p.at + window, source),
            person_id,
        ]
    branch = _BRANCH.format(
        table=q(source.table),
        checkpoint=q(source.checkpoint),
        person=q(source.person),
        ts=q(source.ts),
    )
    sql = _FIRST_HOP.format(
        branches=" UNION ALL ".join([branch] * len(passes)),
        gap=dialect["gap"].format(
            micros=_SQLITE_MICROS.format(ts="at"), micros_met=_SQLITE_MICROS.format(ts="met")
        ),
        seconds=dialect["seconds"],
    )
    return FirstHopQuery(sql, params, connection.vendor)


def next_hop(
    hits: Sequence[Hit],
    *,
    end: datetime,
    window_minutes: int,
    exclude: Iterable[int] = (),
    source: PresenceSource | None = None,
) -> list[Hit]:
    """Hop 2: who passed a checkpoint within the window of a hop-1 person, counting each
    hop-1 person's passes from their first encounter with the case until ``end``.
    A person met by several hop-1 persons is attributed to the closest encounter."""
    src = require_source(source)
    if not hits:
        return []
    since = {h.person_id: h.first_at for h in hits}
    passes = passes_of(list(since), start=min(since.values()), end=end, source=src)
    owners = {pid: [p for p in ps if p.at >= since[pid]] for pid, ps in passes.items()}
    skip = set(exclude) | set(since)
    found = crossings(owners, window=timedelta(minutes=window_minutes), exclude=skip, source=src)
    second = []
    for pid, by_owner in sorted(found.items()):
        via, encounters = min(
            by_owner.items(), key=lambda item: (min(e.gap_seconds for e in item[1]), item[0])
        )
        second.append(Hit(person_id=pid, hop=2, encounters=encounters, via=via))
    return second


def passes_of(
    person_ids: Sequence[int], *, start: datetime, end: datetime, source: PresenceSource
) -> dict[int, list[Pass]]:
    """Each person's passes in ``[start, end)``, in time order (index on (person, ts))."""
    out: dict[int, list[Pass]] = defaultdict(list)
    for chunk in _chunks(list(person_ids), PERSONS_PER_QUERY):
        marks = ", ".join(["%s"] * len(chunk))
        where = f"{{person}} IN ({marks}) AND {{ts}} >= %s AND {{ts}} < %s"
        sql = _select(source, "{person}, {checkpoint}, CAST({ts} AS TEXT)", where)
        params = [*chunk, _db_time(start, source), _db_time(end, source)]
        for pid, checkpoint_id, ts in _rows(sql, params, source):
            out[pid].append(Pass(at=_py_time(ts), checkpoint_id=checkpoint_id))
    return {pid: sorted(set(ps)) for pid, ps in out.items()}


def crossings(
    owner_passes: dict[int, list[Pass]],
    *,
    window: timedelta,
    exclude: set[int],
    source: PresenceSource,
) -> dict[int, dict[int, list[Encounter]]]:
    """Persons who passed a checkpoint within ±window of an owner's pass there:
    ``{person_id: {owner_id: [Encounter, ...]}}``, each of their passes matched to the
    owner's closest pass. Overlapping windows are merged so each row is read once; each
    statement branch is tagged with its window so rows need no searching."""
    marks: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for owner, passes in owner_passes.items():
        for p in passes:
            marks[p.checkpoint_id].append((p.at, owner))
    windows = [w for cp, at_owner in marks.items() for w in _merged(cp, sorted(at_owner), window)]
    found: dict[tuple[int, int], list[Encounter]] = {}  # (person, owner) -> encounters
    fromisoformat, new_tuple = datetime.fromisoformat, tuple.__new__
    branch = _select(
        source,
        "CAST(%s AS INTEGER), {person}, CAST({ts} AS TEXT)",
        "{checkpoint} = %s AND {ts} >= %s AND {ts} <= %s",
    )
    for chunk in _chunks(windows, WINDOWS_PER_QUERY):
        sql = " UNION ALL ".join([branch] * len(chunk))
        params: list[Any] = []
        for k, w in enumerate(chunk):
            params += [k, w.checkpoint_id, _db_time(w.lo, source), _db_time(w.hi, source)]
        # The hot loop (thousands of rows per trace): no helper calls per row.
        for k, pid, ts in _rows(sql, params, source):
            if pid is None or pid in exclude:
                continue
            w = chunk[k]
            at = fromisoformat(ts)
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            if len(w.marks) == 1:  # the usual case: the row is within this one pass's window
                pairs = w.marks
            else:
                closest: dict[int, datetime] = {}
                for met_at, owner in w.marks:
                    gap = abs(met_at - at)
                    if gap <= window and (owner not in closest or gap < abs(closest[owner] - at)):
                        closest[owner] = met_at
                pairs = [(met_at, owner) for owner, met_at in closest.items()]
            for met_at, owner in pairs:
                encounter = new_tuple(Encounter, (w.checkpoint_id, at, met_at))
                encounters = found.get((pid, owner))
                if encounters is None:
                    found[pid, owner] = [encounter]
                else:
                    encounters.append(encounter)
    out: dict[int, dict[int, list[Encounter]]] = defaultdict(dict)
    for (pid, owner), es in found.items():
        # Identical rows (a double scan) count once; encounters in time order.
        out[pid][owner] = sorted(set(es), key=_by_time) if len(es) > 1 else es
    return dict(out)


def checkpoint_names(ids: Iterable[int], source: PresenceSource | None = None) -> dict[int, str]:
    ids = set(ids)
    names = {i: f"卡点{i}" for i in ids}
    src = source or current_source()
    if src is not None and src.checkpoint_model and ids:
        model = apps.get_model(src.checkpoint_model)
        names.update(
            model._default_manager.filter(pk__in=ids).values_list("pk", src.checkpoint_label)
        )
    return names


# Hop 1 in one statement. One branch per pass of the case: the rows of a range of the
# (checkpoint, ts) index, tagged with the pass (as a database value and as
# ISO text) and the checkpoint's label. Separate branches with constant bounds (rather
# than a join on a list of windows) give the planner exact row estimates, hence index
# scans and no JIT. ``m``: the distance of each row to its pass; ``e``: each row once,
# at its closest pass. Rows without a person (vehicles, visitors) never compare unequal
# to the case: ``<>`` drops NULLs.
_BRANCH = (
    "SELECT {person} AS person_id, {checkpoint} AS checkpoint_id, {ts} AS at,"
    " %s AS met, %s AS met_iso, %s AS label FROM {table}"
    " WHERE {checkpoint} = %s AND {ts} >= %s AND {ts} <= %s AND {person} <> %s"
)
_FIRST_HOP = """\
WITH m AS (
  SELECT r.*, {gap} AS gap FROM ({branches}) r
),
e AS (
  SELECT m.*, row_number() OVER (
    PARTITION BY person_id, at, checkpoint_id ORDER BY gap, met) AS k
  FROM m
),
found AS (
  SELECT person_id, checkpoint_id, at, met, met_iso, label, gap FROM e WHERE k = 1
),
hits AS (
  SELECT person_id, min(at) AS first_at, max(at) AS last_at, {seconds} AS closest_seconds
  FROM found GROUP BY person_id
)"""

# The engines' own time arithmetic and JSON. The JSON aggregates take the rows in the
# order of their subquery (time order).
_DIALECTS: dict[str, dict[str, str]] = {
    "postgresql": {
        "gap": "greatest(at - met, met - at)",
        "seconds": "floor(extract(epoch FROM min(gap)))::integer",
        "encounters": "jsonb_agg(jsonb_build_object('checkpoint_id', checkpoint_id,"
        " 'checkpoint', label, 'at', at, 'met_at', met_iso))",
    },
    # SQLite keeps times as naive UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]": the gap is
    # computed in whole microseconds.
    "sqlite": {
        "gap": "abs({micros} - {micros_met})",
        "seconds": "min(gap) / 1000000",
        "encounters": "json_group_array(json_object('checkpoint_id', checkpoint_id,"
        " 'checkpoint', label, 'at', replace(at, ' ', 'T') || '+00:00', 'met_at', met_iso))",
    },
}
_SQLITE_MICROS = (
    "(CAST(strftime('%%s', {ts}) AS INTEGER) * 1000000"
    " + CAST(substr({ts} || '.000000', 21, 6) AS INTEGER))"
)


@dataclass
class _Window:
    checkpoint_id: int
    lo: datetime
    hi: datetime
    marks: list[tuple[datetime, int]]  # the (pass time, owner) pairs it covers


def _merged(
    checkpoint_id: int, marks: list[tuple[datetime, int]], window: timedelta
) -> list[_Window]:
    """Windows of ±window around sorted passes at one checkpoint, overlapping ones merged."""
    out: list[_Window] = []
    for at, owner in marks:
        if out and at - window <= out[-1].hi:
            out[-1].hi = at + window
            out[-1].marks.append((at, owner))
        else:
            out.append(_Window(checkpoint_id, at - window, at + window, [(at, owner)]))
    return out


def _by_time(encounter: Encounter) -> datetime:
    return encounter.at


def _select(source: PresenceSource, columns: str, where: str) -> str:
    """``SELECT columns FROM table WHERE where``, naming columns as {person},
    {checkpoint} and {ts}. Identifiers come from configuration and are quoted; values
    are always bound parameters. Times come back as text (ISO on both engines) and are
    parsed in Python: the drivers' timestamp loaders cost more than the query itself
    at thousands of rows."""
    q = connections[source.database].ops.quote_name
    cols = {"person": q(source.person), "checkpoint": q(source.checkpoint), "ts": q(source.ts)}
    return f"SELECT {columns.format(**cols)} FROM {q(source.table)} WHERE {where.format(**cols)}"  # noqa: E501, S608


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _rows(sql: str, params: list[Any], source: PresenceSource) -> list[tuple]:
    with connections[source.database].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _db_time(value: datetime, source: PresenceSource) -> Any:
    return connections[source.database].ops.adapt_datetimefield_value(value)


def _py_time(value: str | datetime) -> datetime:
    """ISO text (naive on SQLite, where it is stored in UTC) or a datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
