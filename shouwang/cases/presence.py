"""Presence tracing over check-ins, against an abstract presence table.

The tracing reads one table with three columns — checkpoint, person, time — and needs
two indexes on it: ``(person, ts)`` to find where the traced person passed, and
``(checkpoint, ts)`` covering ``person`` to find who else passed the same checkpoint
within ±N minutes. The table is declared by a ``PresenceSource``: the check-in app
names its table in its AppConfig (``presence_source = PresenceSource(table=
"checkpoints_checkin", ...)``); ``settings.CASES_PRESENCE_SOURCE`` overrides it (tests,
benchmarks).

Hop 1 is one statement (``first_hop_query``): the case's passes go in as a list of
±N-minute windows, each joined to a range of the ``(checkpoint, ts)`` index; the
database matches every row to the closest pass, drops duplicates and the case itself,
and returns one row per person found with their encounters as a JSON array — the
shape ``cases.TraceHit`` stores, so the interactive request stores the hits with one
``INSERT … SELECT`` and no row ever becomes a Python object. ``trace()`` runs the same
statement and parses its rows. Hop 2 (a background job over up to a thousand persons'
passes) merges overlapping windows and matches in Python (``crossings``).

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

# Statements stay small: 200 windows (600 parameters) or 500 persons per query; hop 1
# is one statement with 6 parameters per pass of the case (28 days hold ~200).
WINDOWS_PER_QUERY = 200
PERSONS_PER_QUERY = 500
MAX_PASSES = 4000
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
    sql, params = first_hop_query(person_id, passes, window=window, source=source)
    fromisoformat = datetime.fromisoformat
    hits = []
    for pid, encounters in _rows(
        f"SELECT person_id, encounters FROM ({sql}) h ORDER BY person_id",  # noqa: S608
        params,
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


def first_hop_query(
    person_id: int,
    passes: Sequence[Pass],
    *,
    window: timedelta,
    source: PresenceSource,
    labels: dict[int, str] | None = None,
) -> tuple[str, list[Any]]:
    """One statement: everyone but ``person_id`` who passed a checkpoint within
    ±``window`` (inclusive) of one of ``passes``. Columns: ``person_id``, ``first_at``,
    ``last_at``, ``closest_seconds`` and ``encounters``, a JSON array in time order of
    ``{"checkpoint_id", "checkpoint" (from ``labels``), "at", "met_at"}`` (ISO 8601);
    each of the person's rows appears once, matched to the case's closest pass (the
    earlier one on a tie). At most ``MAX_PASSES`` passes."""
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
            p.checkpoint_id,
            _db_time(p.at - window, source),
            _db_time(p.at + window, source),
            _micros(p.at),
            p.at.isoformat(),
            labels.get(p.checkpoint_id, ""),
        ]
    params.append(person_id)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(passes))
    sql = _FIRST_HOP.format(
        values=values,
        table=q(source.table),
        checkpoint=q(source.checkpoint),
        person=q(source.person),
        ts=q(source.ts),
        micros=dialect["micros"].format(ts=f"r.{q(source.ts)}"),
        seconds=dialect["seconds"],
        **{k: v for k, v in dialect.items() if k not in ("micros", "seconds")},
    )
    return sql, params


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


# Hop 1 in one statement. ``w``: one row per pass of the case (checkpoint, window
# bounds, the pass as microseconds since the epoch and as ISO text, checkpoint label);
# each window is a range of the (checkpoint, ts) index. ``m``: the rows found, with the
# distance to that pass; ``e``: each row once, at its closest pass. Persons absent from
# the row (vehicles, visitors) never compare unequal to the case: ``<>`` drops NULLs.
_FIRST_HOP = """\
WITH w (cp, lo, hi, met_us, met_iso, label) AS (VALUES {values}),
m AS (
  SELECT r.{person} AS person_id, r.{checkpoint} AS checkpoint_id, r.{ts} AS at,
         w.met_us, w.met_iso, w.label, abs({micros} - w.met_us) AS gap_us
  FROM w JOIN {table} r ON r.{checkpoint} = w.cp AND r.{ts} >= w.lo AND r.{ts} <= w.hi
  WHERE r.{person} <> %s
),
e AS (
  SELECT m.*, row_number() OVER (
    PARTITION BY person_id, checkpoint_id, at ORDER BY gap_us, met_us) AS k
  FROM m
)
SELECT person_id, min(at) AS first_at, max(at) AS last_at,
       {seconds} AS closest_seconds, {encounters} AS encounters
FROM {ordered} GROUP BY person_id"""

_DIALECTS: dict[str, dict[str, str]] = {
    "postgresql": {
        "micros": "extract(epoch FROM {ts}) * 1000000",
        "seconds": "div(min(gap_us), 1000000)::integer",
        "encounters": "jsonb_agg(jsonb_build_object('checkpoint_id', checkpoint_id,"
        " 'checkpoint', label, 'at', at, 'met_at', met_iso) ORDER BY at, checkpoint_id)",
        "ordered": "e WHERE k = 1",
    },
    # SQLite keeps times as naive UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]"; its
    # json_group_array takes rows in the order of the subquery.
    "sqlite": {
        "micros": "(CAST(strftime('%%s', {ts}) AS INTEGER) * 1000000"
        " + CAST(substr({ts} || '.000000', 21, 6) AS INTEGER))",
        "seconds": "min(gap_us) / 1000000",
        "encounters": "json_group_array(json_object('checkpoint_id', checkpoint_id,"
        " 'checkpoint', label, 'at', replace(at, ' ', 'T') || '+00:00', 'met_at', met_iso))",
        "ordered": "(SELECT * FROM e WHERE k = 1 ORDER BY person_id, at, checkpoint_id)",
    },
}


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


def _micros(value: datetime) -> int:
    """Microseconds since the epoch, exactly (no float)."""
    delta = value - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _py_time(value: str | datetime) -> datetime:
    """ISO text (naive on SQLite, where it is stored in UTC) or a datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
