"""Benchmark: one-hop presence tracing over 28 days of synthetic check-ins.

    .venv/bin/python bench/presence.py --db postgresql      # 28 M rows, COPY, daily partitions
    .venv/bin/python bench/presence.py --db sqlite          # 7 M rows by default

Builds its own scratch database (PostgreSQL at 127.0.0.1:5432 as postgres unless
DATABASE_URL says otherwise; SQLite in a temporary SHOUWANG_VAR), loads a presence
table shaped like the check-in table — (checkpoint_id, person_id, ts) with indexes on
(checkpoint_id, ts) and (person_id, ts) — then times ``shouwang.cases.presence.trace``
for random cases, and, as the raw database limit, the same SQL statements replayed on a
bare DB-API connection (no Django, no Python matching). Also times hop 2, dropping the
oldest day (retention) and single-row inserts into the indexed table.

Synthetic sub-district (seed 001): ``--rows-per-day / 6.25`` residents, 85 checkpoints;
each resident passes their home gate 80 % of the time, another gate otherwise; times of
day follow morning, noon and evening peaks. Prints ONE JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
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
        """One day's rows as (second of day, checkpoint, person), in time order."""
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


# PostgreSQL ---------------------------------------------------------------------------


class Postgres:
    def __init__(self, args: argparse.Namespace) -> None:
        import psycopg

        self.psycopg = psycopg
        base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
        parts = urlsplit(base)
        self.name = f"shouwang_bench_presence_{os.getpid()}"
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.args = args
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.conn = psycopg.connect(self.url, autocommit=True)

    def django_env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.url}

    def create(self) -> None:
        partitioned = self.args.layout == "partitioned"
        self.conn.execute(
            "CREATE TABLE presence (checkpoint_id integer NOT NULL, person_id bigint,"
            " ts timestamptz NOT NULL)" + (" PARTITION BY RANGE (ts)" if partitioned else "")
        )
        if partitioned:
            for d in range(self.args.days + 1):
                self.add_partition(DAY0 + timedelta(days=d))

    def add_partition(self, day: datetime) -> None:
        nxt = day + timedelta(days=1)
        self.conn.execute(
            f"CREATE TABLE presence_{day:%Y%m%d} PARTITION OF presence"
            f" FOR VALUES FROM ('{day.isoformat()}') TO ('{nxt.isoformat()}')"
        )

    def load_day(self, day: datetime, rows: list[tuple[int, int, int]]) -> None:
        clock = clock_strings(day, "+00")
        table = f"presence_{day:%Y%m%d}" if self.args.layout == "partitioned" else "presence"
        with self.conn.cursor() as cur:
            cur.execute("SET synchronous_commit = off")
            with cur.copy(f"COPY {table} (checkpoint_id, person_id, ts) FROM STDIN") as copy:
                chunk = 200_000
                for i in range(0, len(rows), chunk):
                    copy.write(
                        "".join(
                            f"{cp}\t{person}\t{clock[sec]}\n"
                            for sec, cp, person in rows[i : i + chunk]
                        )
                    )

    def index(self) -> None:
        include = " INCLUDE (person_id)" if self.args.include_person else ""
        self.conn.execute("SET maintenance_work_mem = '512MB'")
        self.conn.execute(f"CREATE INDEX presence_cp_ts ON presence (checkpoint_id, ts){include}")
        self.conn.execute("CREATE INDEX presence_person_ts ON presence (person_id, ts)")
        self.conn.execute("VACUUM (ANALYZE) presence")

    def sizes(self) -> dict[str, float]:
        row = self.conn.execute(
            "SELECT sum(pg_table_size(c.oid)), sum(pg_indexes_size(c.oid))"
            " FROM pg_class c WHERE c.relname LIKE 'presence%' AND c.relkind = 'r'"
        ).fetchone()
        return {"table_mb": round(row[0] / 2**20), "index_mb": round(row[1] / 2**20)}

    def raw_cursor(self):
        return self.conn.cursor()

    def raw_sql(self, sql: str) -> str:
        return sql

    def server_ms(self, cursor, statements: list[tuple[str, list]]) -> float:
        """Planning + execution time the server reports for the statements
        (EXPLAIN ANALYZE): the database's own share, whatever the client's load."""
        total = 0.0
        for sql, params in statements:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0][0]
            total += plan["Planning Time"] + plan["Execution Time"]
        return total

    def retention(self) -> float:
        """Drop the oldest day: a partition drop, or a DELETE on a plain table."""
        t = time.perf_counter()
        if self.args.layout == "partitioned":
            self.conn.execute(f"DROP TABLE presence_{DAY0:%Y%m%d}")
        else:
            self.conn.execute("DELETE FROM presence WHERE ts < %s", [DAY0 + timedelta(days=1)])
        return (time.perf_counter() - t) * 1000

    def insert_rate(self, seconds: float, population: Population) -> float:
        """Single-row autocommitted INSERTs (like check-ins) into the newest day."""
        day = DAY0 + timedelta(days=self.args.days - 1)
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            self.conn.execute(
                "INSERT INTO presence (checkpoint_id, person_id, ts) VALUES (%s, %s, %s)",
                [
                    population.rng.randrange(1, population.checkpoints + 1),
                    population.rng.randrange(1, population.persons + 1),
                    day + timedelta(seconds=population.rng.randrange(86400)),
                ],
            )
            n += 1
        return n / (time.perf_counter() - t0)

    def drop(self) -> None:
        self.conn.close()
        with self.psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# SQLite -------------------------------------------------------------------------------


class Sqlite:
    def __init__(self, args: argparse.Namespace) -> None:
        import sqlite3

        self.dir = tempfile.TemporaryDirectory(prefix="shouwang_bench_presence_")
        self.path = Path(self.dir.name) / "shouwang.sqlite3"
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.args = args

    def django_env(self) -> dict[str, str]:
        return {"SHOUWANG_VAR": self.dir.name}

    def create(self) -> None:
        self.conn.execute(
            "CREATE TABLE presence (checkpoint_id integer NOT NULL, person_id integer,"
            " ts datetime NOT NULL)"
        )

    def load_day(self, day: datetime, rows: list[tuple[int, int, int]]) -> None:
        clock = clock_strings(day, "")  # Django's SQLite format: naive UTC text
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT INTO presence (checkpoint_id, person_id, ts) VALUES (?, ?, ?)",
            ((cp, person, clock[sec]) for sec, cp, person in rows),
        )
        self.conn.execute("COMMIT")

    def index(self) -> None:
        self.conn.execute("CREATE INDEX presence_cp_ts ON presence (checkpoint_id, ts, person_id)")
        self.conn.execute("CREATE INDEX presence_person_ts ON presence (person_id, ts)")
        self.conn.execute("ANALYZE")

    def sizes(self) -> dict[str, float]:
        return {"file_mb": round(self.path.stat().st_size / 2**20)}

    def raw_cursor(self):
        return self.conn.cursor()

    def raw_sql(self, sql: str) -> str:
        return sql.replace("%s", "?")

    def server_ms(self, cursor, statements: list[tuple[str, list]]) -> None:
        return None

    def retention(self) -> float:
        t = time.perf_counter()
        self.conn.execute(
            "DELETE FROM presence WHERE ts < ?",
            [(DAY0 + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")],
        )
        return (time.perf_counter() - t) * 1000

    def insert_rate(self, seconds: float, population: Population) -> float:
        day = DAY0 + timedelta(days=self.args.days - 1)
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            ts = day + timedelta(seconds=population.rng.randrange(86400))
            self.conn.execute(
                "INSERT INTO presence (checkpoint_id, person_id, ts) VALUES (?, ?, ?)",
                [
                    population.rng.randrange(1, population.checkpoints + 1),
                    population.rng.randrange(1, population.persons + 1),
                    ts.strftime("%Y-%m-%d %H:%M:%S"),
                ],
            )
            n += 1
        return n / (time.perf_counter() - t0)

    def drop(self) -> None:
        self.conn.close()
        self.dir.cleanup()


# Measuring ----------------------------------------------------------------------------


def time_traces(db, population, *, cases: int, trace_days: int, window: int, seed: int) -> dict:
    """p50/p99 of trace() and of its SQL replayed raw, for random cases whose window
    ends on a random day of the last week."""
    from django.db import connection

    from shouwang.cases.presence import PresenceSource, trace

    source = PresenceSource(table="presence")
    rng = random.Random(seed)
    cursor = db.raw_cursor()
    timings, cpu, raw, server, passes, hits = [], [], [], [], [], []
    statements: list[tuple[str, list]] = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, list(params)))
        return execute(sql, params, many, context)

    for i in range(cases + 5):
        person = rng.randrange(1, population.persons + 1)
        end = DAY0 + timedelta(days=db.args.days - rng.randrange(0, 7), hours=rng.randrange(24))
        start = end - timedelta(days=trace_days)
        statements.clear()
        t, c = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(capture):
            result = trace(
                person=person, start=start, end=end, window_minutes=window, source=source
            )
        elapsed = (time.perf_counter() - t) * 1000
        cpu_elapsed = (time.process_time() - c) * 1000
        t = time.perf_counter()
        for sql, params in statements:
            cursor.execute(db.raw_sql(sql), params)
            cursor.fetchall()
        raw_elapsed = (time.perf_counter() - t) * 1000
        server_ms = db.server_ms(cursor, statements)
        if i < 5:
            continue  # warm-up: connections, plans, caches
        timings.append(elapsed)
        cpu.append(cpu_elapsed)
        raw.append(raw_elapsed)
        if server_ms is not None:
            server.append(server_ms)
        passes.append(len(result.passes))
        hits.append(len(result.hits))
    return {
        "p50_ms": round(percentile(timings, 50), 2),
        "p99_ms": round(percentile(timings, 99), 2),
        "max_ms": round(max(timings), 2),
        "app_cpu_p50_ms": round(percentile(cpu, 50), 2),
        "app_cpu_p99_ms": round(percentile(cpu, 99), 2),
        "raw_p50_ms": round(percentile(raw, 50), 2),
        "raw_p99_ms": round(percentile(raw, 99), 2),
        **(
            {
                "db_server_p50_ms": round(percentile(server, 50), 2),
                "db_server_p99_ms": round(percentile(server, 99), 2),
            }
            if server
            else {}
        ),
        "avg_passes": round(statistics.mean(passes), 1),
        "avg_hits": round(statistics.mean(hits), 1),
    }


def time_hop2(db, population, *, cases: int, trace_days: int, window: int, seed: int) -> dict:
    from shouwang.cases.presence import PresenceSource, trace

    source = PresenceSource(table="presence")
    rng = random.Random(seed)
    timings, hits = [], []
    for _ in range(cases):
        person = rng.randrange(1, population.persons + 1)
        end = DAY0 + timedelta(days=db.args.days - 1)
        t = time.perf_counter()
        result = trace(
            person=person,
            start=end - timedelta(days=trace_days),
            end=end,
            window_minutes=window,
            hops=2,
            source=source,
        )
        timings.append((time.perf_counter() - t) * 1000)
        hits.append(len(result.hits))
    return {
        "hop2_p50_ms": round(percentile(timings, 50), 1),
        "hop2_max_ms": round(max(timings), 1),
        "hop2_avg_hits": round(statistics.mean(hits), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--rows-per-day", type=int, default=None)
    parser.add_argument("--checkpoints", type=int, default=85)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--trace-days", type=int, default=3, help="onset-2 days to isolation")
    parser.add_argument("--window", type=int, default=15)
    parser.add_argument("--layout", choices=["partitioned", "plain"], default="partitioned")
    parser.add_argument(
        "--no-include-person",
        dest="include_person",
        action="store_false",
        help="PostgreSQL: no INCLUDE (person_id) on the checkpoint index",
    )
    parser.add_argument("--hop2-cases", type=int, default=3)
    parser.add_argument("--hop2-days", type=int, default=1)
    parser.add_argument("--hop2-window", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    if args.rows_per_day is None:
        args.rows_per_day = 1_000_000 if args.db == "postgresql" else 250_000
    if args.db == "sqlite":
        args.layout = "plain"

    db = Postgres(args) if args.db == "postgresql" else Sqlite(args)
    try:
        os.environ.update(db.django_env())
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.settings")
        import django

        django.setup()
        population = Population(
            persons=round(args.rows_per_day / PASSES_PER_PERSON_PER_DAY),
            checkpoints=args.checkpoints,
            seed=args.seed,
        )
        db.create()
        log(f"loading {args.days} days × {args.rows_per_day:,} rows ({args.db}, {args.layout})")
        t0 = time.perf_counter()
        gen_s = 0.0
        for d in range(args.days):
            g = time.perf_counter()
            rows = population.day(args.rows_per_day)
            gen_s += time.perf_counter() - g
            db.load_day(DAY0 + timedelta(days=d), rows)
            if d % 7 == 6:
                log(f"  day {d + 1}: {time.perf_counter() - t0:.0f} s")
        load_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        db.index()
        index_s = time.perf_counter() - t1
        checkins = args.days * args.rows_per_day
        log(f"loaded {checkins:,} rows in {load_s:.0f} s, indexed in {index_s:.0f} s")
        figures = time_traces(
            db,
            population,
            cases=args.cases,
            trace_days=args.trace_days,
            window=args.window,
            seed=args.seed,
        )
        log(f"one hop, {args.trace_days}-day window: {figures}")
        wide = time_traces(
            db,
            population,
            cases=max(20, args.cases // 4),
            trace_days=14,
            window=args.window,
            seed=args.seed + 1,
        )
        log(f"one hop, 14-day window: {wide}")
        narrow = time_traces(
            db,
            population,
            cases=max(20, args.cases // 4),
            trace_days=args.trace_days,
            window=5,
            seed=args.seed + 3,
        )
        log(f"one hop, {args.trace_days}-day window, ±5 min: {narrow}")
        hop2 = time_hop2(
            db,
            population,
            cases=args.hop2_cases,
            trace_days=args.hop2_days,
            window=args.hop2_window,
            seed=args.seed + 2,
        )
        log(f"two hops: {hop2}")
        sizes = db.sizes()
        insert_rate = db.insert_rate(3.0, population)
        retention_ms = db.retention()
        out = {
            "db": args.db,
            "layout": args.layout,
            "include_person": args.include_person if args.db == "postgresql" else True,
            "checkins": checkins,
            "days": args.days,
            "persons": population.persons,
            "checkpoints": args.checkpoints,
            "load_s": round(load_s, 1),
            "generate_s": round(gen_s, 1),
            "load_rows_per_s": round(checkins / load_s),
            "index_s": round(index_s, 1),
            **sizes,
            "cases": args.cases,
            "trace_days": args.trace_days,
            "window_minutes": args.window,
            **figures,
            "p50_ms_14d": wide["p50_ms"],
            "p99_ms_14d": wide["p99_ms"],
            "raw_p99_ms_14d": wide["raw_p99_ms"],
            "avg_hits_14d": wide["avg_hits"],
            "p50_ms_5min": narrow["p50_ms"],
            "p99_ms_5min": narrow["p99_ms"],
            "raw_p99_ms_5min": narrow["raw_p99_ms"],
            "avg_hits_5min": narrow["avg_hits"],
            "hop2_days": args.hop2_days,
            "hop2_window_minutes": args.hop2_window,
            **hop2,
            "insert_rows_per_s_1_client": round(insert_rate),
            "retention_drop_day_ms": round(retention_ms, 1),
        }
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            log(f"kept: {db.django_env()}")
        else:
            db.drop()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
