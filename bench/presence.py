"""Benchmark: one-hop presence tracing over 28 days of synthetic check-ins.

    .venv/bin/python bench/presence.py --db postgresql      # 28 M check-ins
    .venv/bin/python bench/presence.py --db sqlite          # 7 M check-ins by default
    .venv/bin/python bench/presence.py --db postgresql --reuse shouwang_bench_presence

Builds a scratch database with the project's own schema (``migrate``): a sub-district
of ``--checkpoints`` compounds, one gate and one building each, an HQ user, the
residents in the ledger and ``--days`` days of passages in ``checkpoints_checkin`` (the
real table, its real indexes). Then, for random cases, it times what a user's tracing
request does: a POST of the tracing form through Django's test client, i.e. the view,
``actions.run_trace`` (the case's passes, the one-hop search, the hits stored for the
requester's jurisdiction, the audit record) and the redirect. Beside the request it
reports the SQL share (client-side time of every statement of the request), the
process CPU time, and ``presence.trace()`` alone (the same search returned as Python
objects). Also times hop 2 (the background job's search), single-row inserts into the
indexed check-in table, and deleting the oldest day (retention, rolled back).

``--reuse NAME`` (PostgreSQL: a database name; SQLite: a directory) keeps the scratch
database and, when it already holds check-ins, skips loading: generate once, measure
many times (the project's pending migrations are applied to it first). Drop it with
``--drop``.

Synthetic sub-district (seed 001): ``--rows-per-day / 6.25`` residents; each resident
passes their home gate 80 % of the time, another gate otherwise; times of day follow
morning, noon and evening peaks. ``--checkpoints 10000`` spreads the same passages over
a city's gates (as bench/report_rollup.py's city), 100 a gate a day instead of 12,000. Prints ONE JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Share of a day's passages by hour (UTC+8 local hours, shifted below).
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 6, 10, 9, 6, 5, 6, 8, 6, 5, 5, 6, 9, 10, 7, 5, 4, 2, 1]
PASSES_PER_PERSON_PER_DAY = 6.25
DAY0 = datetime(2020, 2, 1, tzinfo=UTC)
CHECKIN = "checkpoints_checkin"
PERSON = "people_person"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Population:
    def __init__(self, *, persons: int, checkpoints: int, seed: int) -> None:
        self.persons = persons
        self.checkpoints = checkpoints
        self.rng = random.Random(seed)
        self.home = [self.rng.randrange(1, checkpoints + 1) for _ in range(persons + 1)]
        # seconds of the UTC day, weighted by the local hour (UTC+8)
        self.hours = [(h - 8) % 24 for h in range(24)]

    def day(self, n: int) -> list[tuple[int, int, int]]:
        """One day's rows as (second of day, checkpoint number, person number)."""
        rand = self.rng.random
        persons, cps, home = self.persons, self.checkpoints, self.home
        hours = self.rng.choices(self.hours, weights=HOUR_WEIGHTS, k=n)
        by_second: list[list[tuple[int, int]]] = [[] for _ in range(86400)]
        for hour in hours:
            person = int(rand() * persons) + 1
            cp = home[person] if rand() < 0.8 else int(rand() * cps) + 1
            by_second[hour * 3600 + int(rand() * 3600)].append((cp, person))
        return [(sec, cp, p) for sec, rows in enumerate(by_second) for cp, p in rows]


def clock_strings(day: datetime, suffix: str) -> list[str]:
    prefix = day.strftime("%Y-%m-%d")
    return [
        f"{prefix} {s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}{suffix}" for s in range(86400)
    ]


# Scratch databases ----------------------------------------------------------------------
#
# Persons and check-ins are bulk-loaded by copying one row made through the ORM (so every
# column the schema has gets a valid value) with the varying columns taken from an
# UNLOGGED/temporary staging table.


class Postgres:
    vendor = "postgresql"

    def __init__(self, args: argparse.Namespace) -> None:
        import psycopg

        self.psycopg = psycopg
        base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
        parts = urlsplit(base)
        self.name = args.reuse or f"shouwang_bench_presence_{os.getpid()}"
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.name]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{self.name}"')
        self.conn = psycopg.connect(self.url, autocommit=True)

    def django_env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.url}

    def count(self, table: str) -> int:
        exists = self.conn.execute("SELECT to_regclass(%s)", [table]).fetchone()[0]
        if exists is None:
            return 0
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608

    def columns(self, table: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            " ORDER BY ordinal_position",
            [table],
        ).fetchall()
        return [r[0] for r in rows]

    def stage(self, name: str, columns: str, rows: list[tuple]) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS {name}")
        self.conn.execute(f"CREATE UNLOGGED TABLE {name} ({columns})")
        with self.conn.cursor() as cur, cur.copy(f"COPY {name} FROM STDIN") as copy:
            for i in range(0, len(rows), 200_000):
                copy.write("".join("\t".join(map(str, r)) + "\n" for r in rows[i : i + 200_000]))

    def clone(self, table: str, template_id: int, staged: str, given: dict[str, str]) -> None:
        """INSERT one row per staged row: ``given`` columns from expressions over the
        staging table ``s``, every other column copied from the template row ``t``."""
        rest = [c for c in self.columns(table) if c not in given and c != "id"]
        cols = ", ".join([*given, *rest])
        values = ", ".join([*given.values(), *(f"t.{c}" for c in rest)])
        with self.conn.transaction():
            self.conn.execute("SET LOCAL session_replication_role = replica")  # no FK triggers
            self.conn.execute(
                f"INSERT INTO {table} ({cols}) SELECT {values} FROM {staged} s,"  # noqa: S608
                f" {table} t WHERE t.id = {int(template_id)}"
            )

    def uuid_sql(self) -> str:
        return "gen_random_uuid()"

    def load_checkins(self, template_id: int, day: datetime, rows: list[tuple]) -> None:
        clock = clock_strings(day, "+00")
        self.stage(
            "bench_day",
            "checkpoint_id bigint, person_id bigint, at timestamptz",
            [(cp, person, clock[sec]) for sec, cp, person in rows],
        )
        self.clone(
            CHECKIN,
            template_id,
            "bench_day",
            {
                "client_id": self.uuid_sql(),
                "checkpoint_id": "s.checkpoint_id",
                "person_id": "s.person_id",
                "at": "s.at",
            },
        )

    def without_indexes(self) -> list[str]:
        """Drop the check-in table's secondary indexes and unique constraints (not the
        primary key) before a bulk load; returns the statements that rebuild them."""
        rebuild = []
        constraints = self.conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'u'",
            [CHECKIN],
        ).fetchall()
        for name, definition in constraints:
            self.conn.execute(f'ALTER TABLE {CHECKIN} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {CHECKIN} ADD CONSTRAINT "{name}" {definition}')
        indexes = self.conn.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
            [CHECKIN],
        ).fetchall()
        for name, definition in indexes:
            self.conn.execute(f'DROP INDEX "{name}"')
            # A partitioned table's index reads "ON ONLY": rebuilt so, it would index
            # no partition.
            rebuild.append(definition.replace(" ON ONLY ", " ON "))
        return rebuild

    def rebuild(self, statements: list[str]) -> None:
        self.conn.execute("SET maintenance_work_mem = '512MB'")
        for sql in statements:
            self.conn.execute(sql)
        self.conn.execute("DROP TABLE IF EXISTS bench_day")
        self.conn.execute(f"VACUUM (ANALYZE) {CHECKIN}")
        self.conn.execute(f"VACUUM (ANALYZE) {PERSON}")

    def sizes(self) -> dict[str, float]:
        """Summed over the day partitions (a partitioned table stores nothing itself)."""
        row = self.conn.execute(
            "SELECT sum(pg_table_size(relid)), sum(pg_indexes_size(relid)), count(*) - 1"
            " FROM pg_partition_tree(%s::regclass) WHERE isleaf",
            [CHECKIN],
        ).fetchone()
        indexes = self.conn.execute(
            "SELECT i.relname, (SELECT sum(pg_relation_size(relid))"
            " FROM pg_partition_tree(i.oid)) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass",
            [CHECKIN],
        ).fetchall()
        return {
            "day_partitions": row[2],
            "table_mb": round(row[0] / 2**20),
            "index_mb": round(row[1] / 2**20),
            "indexes_mb": {name: round(size / 2**20) for name, size in indexes},
        }

    def insert_rate(self, seconds: float, population: Population, template: dict) -> float:
        """Single-row autocommitted INSERTs into the indexed check-in table (a
        check-in's row, without the rest of the check-in request)."""
        return insert_rate(self.conn, "%s", seconds, population, template, self.args_days)

    def retention(self) -> dict[str, float]:
        """The oldest local days' check-ins gone, each way rolled back: their
        partitions dropped (``partitions.drop_days_before``, what ``purge_checkins``
        does), and the same rows deleted (what a plain table needs). The oldest three
        days: the template row's, the 16 hours of the first UTC day that fall on the
        local day it starts in, and a full local day."""
        from django.db import transaction

        from shouwang.checkpoints import partitions
        from shouwang.checkpoints.models import local_day_bounds

        end = local_day_bounds(sorted(partitions.days())[2])[1]
        with self.conn.transaction(force_rollback=True):
            t = time.perf_counter()
            deleted = self.conn.execute(f"DELETE FROM {CHECKIN} WHERE at < %s", [end]).rowcount
            delete_ms = (time.perf_counter() - t) * 1000
        with transaction.atomic():
            t = time.perf_counter()
            dropped = partitions.drop_days_before(end)
            drop_ms = (time.perf_counter() - t) * 1000
            transaction.set_rollback(True)
        assert dropped.checkins == deleted, (dropped, deleted)
        return {
            "retention_rows": deleted,
            "retention_delete_ms": round(delete_ms, 1),
            "retention_drop_ms": round(drop_ms, 1),
        }

    def drop(self) -> None:
        self.conn.close()
        with self.psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Sqlite:
    vendor = "sqlite"

    def __init__(self, args: argparse.Namespace) -> None:
        import sqlite3

        if args.reuse:
            self.dir = Path(args.reuse)
            self.dir.mkdir(parents=True, exist_ok=True)
        else:
            self.dir = Path(tempfile.mkdtemp(prefix="shouwang_bench_presence_"))
        self.path = self.dir / "shouwang.sqlite3"
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")

    def django_env(self) -> dict[str, str]:
        return {"SHOUWANG_VAR": str(self.dir)}

    def count(self, table: str) -> int:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
        ).fetchone()
        if not exists:
            return 0
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]

    def stage(self, name: str, columns: str, rows: list[tuple]) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
        self.conn.execute(f"CREATE TEMP TABLE {name} ({columns})")
        marks = ", ".join("?" * len(rows[0]))
        self.conn.execute("BEGIN")
        self.conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)  # noqa: S608
        self.conn.execute("COMMIT")

    def clone(self, table: str, template_id: int, staged: str, given: dict[str, str]) -> None:
        rest = [c for c in self.columns(table) if c not in given and c != "id"]
        cols = ", ".join([*given, *rest])
        values = ", ".join([*given.values(), *(f"t.{c}" for c in rest)])
        self.conn.execute(
            f"INSERT INTO {table} ({cols}) SELECT {values} FROM {staged} s,"  # noqa: S608
            f" {table} t WHERE t.id = {int(template_id)}"
        )

    def uuid_sql(self) -> str:
        return "lower(hex(randomblob(16)))"

    def load_checkins(self, template_id: int, day: datetime, rows: list[tuple]) -> None:
        clock = clock_strings(day, "")  # Django's SQLite format: naive UTC text
        self.stage(
            "bench_day",
            "checkpoint_id, person_id, at",
            [(cp, person, clock[sec]) for sec, cp, person in rows],
        )
        self.clone(
            CHECKIN,
            template_id,
            "bench_day",
            {
                "client_id": self.uuid_sql(),
                "checkpoint_id": "s.checkpoint_id",
                "person_id": "s.person_id",
                "at": "s.at",
            },
        )

    def without_indexes(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            " AND sql IS NOT NULL",
            [CHECKIN],
        ).fetchall()
        for name, _ in rows:
            self.conn.execute(f'DROP INDEX "{name}"')
        return [sql for _, sql in rows]

    def rebuild(self, statements: list[str]) -> None:
        for sql in statements:
            self.conn.execute(sql)
        self.conn.execute("DROP TABLE IF EXISTS temp.bench_day")
        self.conn.execute("ANALYZE")

    def sizes(self) -> dict[str, float]:
        return {"file_mb": round(self.path.stat().st_size / 2**20)}

    def insert_rate(self, seconds: float, population: Population, template: dict) -> float:
        return insert_rate(self.conn, "?", seconds, population, template, self.args_days)

    def retention(self) -> dict[str, float]:
        """Delete the oldest day's check-ins (one table: DELETE), then roll back."""
        self.conn.execute("BEGIN")
        t = time.perf_counter()
        deleted = self.conn.execute(
            f"DELETE FROM {CHECKIN} WHERE at < ?",  # noqa: S608
            [(DAY0 + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")],
        ).rowcount
        elapsed = (time.perf_counter() - t) * 1000
        self.conn.execute("ROLLBACK")
        return {"retention_rows": deleted, "retention_delete_ms": round(elapsed, 1)}

    def drop(self) -> None:
        self.conn.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def insert_rate(conn, mark: str, seconds, population, template: dict, days: int) -> float:
    """Single-row autocommitted INSERTs into the indexed check-in table (a check-in's
    row, without the rest of the check-in request); the rows are deleted afterwards."""
    import uuid

    cols = [c for c in template if c != "id"]
    sql = f"INSERT INTO {CHECKIN} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"  # noqa: S608
    day = DAY0 + timedelta(days=days - 1)
    sqlite = mark == "?"
    last = conn.execute(f"SELECT max(id) FROM {CHECKIN}").fetchone()[0]  # noqa: S608
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        at = day + timedelta(seconds=population.rng.randrange(86400))
        row = dict(
            template,
            client_id=uuid.uuid4().hex if sqlite else uuid.uuid4(),
            checkpoint_id=template["checkpoint_id"]
            + population.rng.randrange(population.checkpoints),
            person_id=population.rng.randrange(1, population.persons + 1),
            at=at.strftime("%Y-%m-%d %H:%M:%S") if sqlite else at,
        )
        conn.execute(sql, [row[c] for c in cols])
        n += 1
    rate = n / (time.perf_counter() - t0)
    conn.execute(f"DELETE FROM {CHECKIN} WHERE id > {int(last)}")  # noqa: S608
    return rate


# Setting up the sub-district ------------------------------------------------------------


def build_world(db, args: argparse.Namespace, population: Population) -> dict:
    """Areas, checkpoints, an HQ user, the residents and the check-ins. Returns the ids
    the measurements need (also when the database is reused)."""
    from django.core.management import call_command
    from django.utils import timezone

    from shouwang.accounts.models import User
    from shouwang.accounts.roles import Role
    from shouwang.areas import actions as area_actions
    from shouwang.checkpoints import partitions
    from shouwang.checkpoints.models import CheckIn, Checkpoint
    from shouwang.people.models import Person

    call_command("migrate", verbosity=0)
    loaded = db.count(CHECKIN)
    if loaded:
        log(f"reusing {loaded:,} check-ins")
        return {"checkins": loaded, "load": None}
    t0 = time.perf_counter()
    make = area_actions.create_area
    district = make(name="示范区", kind="district", parent=None)
    sub = make(name="明湖街道", kind="subdistrict", parent=district)
    community = make(name="西城社区", kind="community", parent=sub)
    buildings, checkpoints = [], []
    for k in range(1, args.checkpoints + 1):
        compound = make(name=f"小区{k}", kind="compound", parent=community)
        buildings.append(make(name="1号楼", kind="building", parent=compound))
        checkpoints.append(Checkpoint.objects.create(area=compound, name=f"小区{k}大门"))
    user = User(username="bench_hq", role=Role.HQ_ADMIN, area=sub, full_name="基准")
    user.set_password("bench-password-2020")
    user.save()
    # Person number n is person id n; checkpoint number k is checkpoints[k - 1].
    template = Person(area=buildings[0])
    template.set_name("居民")
    template.save()
    assert template.pk == 1, "a fresh database numbers persons from 1"
    db.stage(
        "bench_person",
        "id bigint, area_id bigint, name varchar(50)",
        [
            (n, buildings[population.home[n] - 1].pk, f"居民{n}")
            for n in range(2, population.persons + 1)
        ],
    )
    db.clone(
        PERSON,
        template.pk,
        "bench_person",
        {"id": "s.id", "area_id": "s.area_id", "name": "s.name"},
    )
    if db.vendor == "postgresql":
        db.conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{PERSON}', 'id'), {population.persons})"
        )
    cp_ids = [c.pk for c in checkpoints]
    # PostgreSQL: the day partitions of the whole span first (the hourly job keeps them
    # ahead in a deployment), so each row is copied straight into its day.
    span = [timezone.localdate(DAY0 + timedelta(days=d)) for d in (-1, args.days)]
    partitions.create_days(*span)
    first = CheckIn.objects.create(
        client_id="00000000-0000-4000-8000-000000000000",
        checkpoint=checkpoints[0],
        area_id=checkpoints[0].area_id,
        person_id=1,
        at=DAY0 - timedelta(days=1),
        direction=CheckIn.Direction.OUT,
        source=CheckIn.Source.SELF,
        status=CheckIn.Status.DECLARED,
        result=CheckIn.Result.GREEN,
    )
    rebuild = db.without_indexes()
    log(f"loading {args.days} days × {args.rows_per_day:,} check-ins ({db.vendor})")
    gen_s = 0.0
    for d in range(args.days):
        g = time.perf_counter()
        rows = [
            (sec, cp_ids[cp - 1], person) for sec, cp, person in population.day(args.rows_per_day)
        ]
        gen_s += time.perf_counter() - g
        db.load_checkins(first.pk, DAY0 + timedelta(days=d), rows)
        if d % 7 == 6:
            log(f"  day {d + 1}: {time.perf_counter() - t0:.0f} s")
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    db.rebuild(rebuild)
    index_s = time.perf_counter() - t1
    checkins = db.count(CHECKIN)
    log(f"loaded {checkins:,} check-ins in {load_s:.0f} s, indexed in {index_s:.0f} s")
    return {
        "checkins": checkins,
        "load": {
            "load_s": round(load_s, 1),
            "generate_s": round(gen_s, 1),
            "index_s": round(index_s, 1),
        },
    }


# Measuring ------------------------------------------------------------------------------


class StatementClock:
    """Client-side time and count of every SQL statement run inside it (Django's
    execute wrapper): the database's share of a request, round trips included."""

    def __init__(self) -> None:
        self.ms = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - t) * 1000
            self.count += 1


def time_requests(
    args, population: Population, *, cases: int, trace_days: int, window: int, seed: int
) -> dict:
    """Tracing requests as the page sends them, for random cases whose window ends at
    a random hour of the last week; and ``presence.trace()`` alone for the same case."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from shouwang.accounts.models import User
    from shouwang.cases import presence
    from shouwang.cases.models import Case, Trace
    from shouwang.people.models import Person

    client = Client()
    client.force_login(User.objects.get(username="bench_hq"))
    rng = random.Random(seed)
    total, sql, cpu, queries, api, passes, hits, outside, stored = ([] for _ in range(9))
    for i in range(cases + 5):
        person = Person.objects.get(pk=rng.randrange(1, population.persons + 1))
        end = DAY0 + timedelta(
            days=args.days - rng.randrange(0, min(7, args.days)), hours=rng.randrange(24)
        )
        start = end - timedelta(days=trace_days)
        case, _ = Case.objects.get_or_create(
            person=person,
            defaults={"area_id": person.area_id, "classification": "confirmed"},
        )
        form = {
            "start": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
            "end": timezone.localtime(end).strftime("%Y-%m-%dT%H:%M"),
            "window_minutes": window,
            "purpose": "基准测试：确诊病例流调",
        }
        clock = StatementClock()
        t, c = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(clock):
            response = client.post(reverse("cases:trace_new", args=[case.pk]), form)
        elapsed = (time.perf_counter() - t) * 1000
        cpu_ms = (time.process_time() - c) * 1000
        if response.status_code != 302:
            raise SystemExit(
                f"tracing request failed: {response.status_code} {form}\n"
                + response.content.decode()[-2000:]
            )
        t = time.perf_counter()
        result = presence.trace(person=person, start=start, end=end, window_minutes=window)
        api_ms = (time.perf_counter() - t) * 1000
        trace = Trace.objects.filter(case=case).latest("pk")
        if i < 5:
            continue  # warm-up: connections, plans, caches
        total.append(elapsed)
        sql.append(clock.ms)
        cpu.append(cpu_ms)
        queries.append(clock.count)
        api.append(api_ms)
        passes.append(len(trace.passes))
        hits.append(trace.hop1_count + trace.outside_count)
        outside.append(trace.outside_count)
        stored.append(trace.hits.count())
        assert len(result.hits) == hits[-1], "the page and trace() disagree"
    return {
        "p50_ms": round(percentile(total, 50), 2),
        "p99_ms": round(percentile(total, 99), 2),
        "max_ms": round(max(total), 2),
        "sql_p50_ms": round(percentile(sql, 50), 2),
        "sql_p99_ms": round(percentile(sql, 99), 2),
        "app_cpu_p50_ms": round(percentile(cpu, 50), 2),
        "app_cpu_p99_ms": round(percentile(cpu, 99), 2),
        "queries_per_request": round(statistics.mean(queries), 1),
        "trace_api_p50_ms": round(percentile(api, 50), 2),
        "trace_api_p99_ms": round(percentile(api, 99), 2),
        "avg_passes": round(statistics.mean(passes), 1),
        "avg_hits": round(statistics.mean(hits), 1),
        "avg_outside": round(statistics.mean(outside), 1),
        "avg_stored": round(statistics.mean(stored), 1),
    }


def time_hop2(args, population, *, cases: int, trace_days: int, window: int, seed: int) -> dict:
    from shouwang.cases.presence import trace

    rng = random.Random(seed)
    timings, hits = [], []
    for _ in range(cases):
        person = rng.randrange(1, population.persons + 1)
        end = DAY0 + timedelta(days=args.days - 1)
        t = time.perf_counter()
        result = trace(
            person=person,
            start=end - timedelta(days=trace_days),
            end=end,
            window_minutes=window,
            hops=2,
        )
        timings.append((time.perf_counter() - t) * 1000)
        hits.append(len(result.hits))
    return {
        "hop2_p50_ms": round(percentile(timings, 50), 1),
        "hop2_max_ms": round(max(timings), 1),
        "hop2_avg_hits": round(statistics.mean(hits), 1),
    }


def checkin_template(db) -> dict:
    cur = db.conn.execute(f"SELECT * FROM {CHECKIN} ORDER BY id LIMIT 1")  # noqa: S608
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--rows-per-day", type=int, default=None)
    parser.add_argument("--checkpoints", type=int, default=85)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--trace-days", type=int, default=3, help="onset-2 days to isolation")
    parser.add_argument("--window", type=int, default=15)
    parser.add_argument("--hop2-cases", type=int, default=3)
    parser.add_argument("--hop2-days", type=int, default=1)
    parser.add_argument("--hop2-window", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--reuse", metavar="NAME", help="scratch database to keep and reuse (PG name / SQLite dir)"
    )
    parser.add_argument("--drop", action="store_true", help="with --reuse: drop it at the end")
    args = parser.parse_args()
    if args.rows_per_day is None:
        args.rows_per_day = 1_000_000 if args.db == "postgresql" else 250_000

    db = Postgres(args) if args.db == "postgresql" else Sqlite(args)
    db.args_days = args.days
    keep = bool(args.reuse) and not args.drop
    try:
        os.environ.update(db.django_env())
        # The synthetic days lie in 2020 (DAY0); tracing a span whose check-ins the
        # retention has purged is refused, so the bench's retention reaches back to them.
        retention = (datetime.now(UTC) - DAY0).days + 1
        os.environ["SHOUWANG_CHECKIN_RETENTION_DAYS"] = str(retention)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.settings")
        import django
        from django.conf import settings

        django.setup()
        settings.STORAGES = {  # pages render without a collectstatic manifest
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        population = Population(
            persons=round(args.rows_per_day / PASSES_PER_PERSON_PER_DAY),
            checkpoints=args.checkpoints,
            seed=args.seed,
        )
        world = build_world(db, args, population)
        load_avg = [os.getloadavg()[0]]
        figures = time_requests(
            args,
            population,
            cases=args.cases,
            trace_days=args.trace_days,
            window=args.window,
            seed=args.seed,
        )
        load_avg.append(os.getloadavg()[0])
        log(f"one hop, {args.trace_days}-day window, ±{args.window} min: {figures}")
        wide = time_requests(
            args,
            population,
            cases=max(20, args.cases // 4),
            trace_days=14,
            window=args.window,
            seed=args.seed + 1,
        )
        log(f"one hop, 14-day window: {wide}")
        narrow = time_requests(
            args,
            population,
            cases=max(20, args.cases // 4),
            trace_days=args.trace_days,
            window=5,
            seed=args.seed + 3,
        )
        log(f"one hop, {args.trace_days}-day window, ±5 min: {narrow}")
        hop2 = time_hop2(
            args,
            population,
            cases=args.hop2_cases,
            trace_days=args.hop2_days,
            window=args.hop2_window,
            seed=args.seed + 2,
        )
        log(f"two hops: {hop2}")
        load_avg.append(os.getloadavg()[0])
        sizes = db.sizes()
        insert_rate = db.insert_rate(3.0, population, checkin_template(db))
        retention = db.retention()
        out = {
            "db": args.db,
            "checkins": world["checkins"],
            "days": args.days,
            "persons": population.persons,
            "checkpoints": args.checkpoints,
            **(world["load"] or {"reused": True}),
            **sizes,
            "cases": args.cases,
            "trace_days": args.trace_days,
            "window_minutes": args.window,
            **figures,
            "p50_ms_14d": wide["p50_ms"],
            "p99_ms_14d": wide["p99_ms"],
            "sql_p99_ms_14d": wide["sql_p99_ms"],
            "avg_hits_14d": wide["avg_hits"],
            "p50_ms_5min": narrow["p50_ms"],
            "p99_ms_5min": narrow["p99_ms"],
            "sql_p99_ms_5min": narrow["sql_p99_ms"],
            "avg_hits_5min": narrow["avg_hits"],
            "hop2_days": args.hop2_days,
            "hop2_window_minutes": args.hop2_window,
            **hop2,
            "insert_rows_per_s_1_client": round(insert_rate),
            **retention,
            "load_average_1min": [round(x, 2) for x in load_avg],
        }
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            log(f"kept: {db.django_env()}")
        else:
            db.drop()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
