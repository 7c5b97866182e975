"""Benchmark: the daily roll-up and the dashboard on a city-sized data set.

    .venv/bin/python bench/report_rollup.py --db postgresql
    .venv/bin/python bench/report_rollup.py --db sqlite --communities 1000 --persons 300000

Builds a scratch database (dropped at the end): 10 districts × 10 sub-districts × 50
communities (5,000), 4 buildings each, 1.5 M persons in 500 k households, key persons,
fever alerts, and 1 M check-ins in the measured day (the day just closed) plus 1 M in
the day in progress. Loads with COPY (PostgreSQL) or executemany in large transactions
(SQLite).

Check-ins go into the real ``checkpoints_checkpoint`` and ``checkpoints_checkin``
tables (two checkpoints per community, each with two staff accounts living in the
community; every fourth row a vehicle with occupants, one in fifty turned back, one
in a thousand with a fever, two in three recorded by one of the checkpoint's staff),
and the roll-up computes the checkpoints app's own indicators
(``shouwang/checkpoints/indicators.py``).

Measures: the roll-up of the day just closed (its final figures: every indicator,
every community, every level), cold (the first, inserting the rows) and warm
(``--runs`` times, updating them; median, with its compute/store split); the roll-up
of the day in progress (run every few minutes, with the hourly counts of the
dashboard's chart; ``--runs`` times); the dashboard page's server time (Django test client, HQ of a district
and of a sub-district, median of 20); and, for comparison, the raw database limit:
the bare COUNT over the day's check-ins and the bare GROUP BY over persons. Last line:
one JSON object.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_BASE = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DISTRICTS, SUBDISTRICTS = 10, 10
BUILDINGS = 4
CHECKPOINTS_PER_COMMUNITY = 2
STAFF_PER_CHECKPOINT = 2


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def setup_database(db: str) -> tuple[str, callable]:
    """Point Django at a scratch database; return its label and a cleanup function."""
    if db == "sqlite":
        var = tempfile.mkdtemp(prefix="shouwang_bench_")
        os.environ["SHOUWANG_VAR"] = var
        os.environ.pop("DATABASE_URL", None)

        def drop() -> None:
            import shutil

            shutil.rmtree(var, ignore_errors=True)

        return var, drop
    import psycopg

    name = f"shouwang_bench_{os.getpid()}"
    base = PG_BASE.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    var = tempfile.mkdtemp(prefix="shouwang_bench_var_")
    os.environ["SHOUWANG_VAR"] = var

    def drop() -> None:
        import shutil

        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(var, ignore_errors=True)

    return name, drop


class Loader:
    """Bulk inserts: COPY on PostgreSQL, executemany in one transaction on SQLite."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor

    def load(self, table: str, columns: list[str], rows) -> int:
        count = 0
        connection = self.connection
        connection.ensure_connection()
        raw = connection.connection
        if self.vendor == "postgresql":
            with raw.cursor() as cursor:
                cols = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            raw.commit()
        else:
            marks = ", ".join("?" for _ in columns)
            cols = ", ".join(f'"{c}"' for c in columns)
            sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'
            cursor = raw.cursor()
            cursor.execute("BEGIN")
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 50_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
            cursor.execute("COMMIT")
        return count

    def stamp(self, moment: datetime):
        """A timestamp as the backend stores it (SQLite: naive UTC text, like Django)."""
        if self.vendor == "postgresql":
            return moment
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def reset_sequence(self, table: str) -> None:
        if self.vendor != "postgresql":
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
            )

    def analyze(self) -> None:
        """VACUUM ANALYZE (PostgreSQL), as autovacuum leaves a loaded table: planner
        statistics and the visibility map for index-only scans."""
        with self.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if self.vendor == "postgresql" else "ANALYZE")


def model_row(model, **values):
    """The columns of ``model`` and a row template with defaults (None for nullable)."""
    from django.db.models import NOT_PROVIDED

    columns, row = [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        if field.column in values:
            row.append(values[field.column])
        elif field.null:
            row.append(None)
        elif field.default is not NOT_PROVIDED and not callable(field.default):
            row.append(field.default)
        elif field.get_internal_type() == "JSONField" and callable(field.default):
            row.append(json.dumps(field.default()))
        elif field.get_internal_type() in ("CharField", "TextField"):
            row.append("")
        else:
            row.append(None)
    return columns, row


def build_tree(loader: Loader, communities: int, when: datetime) -> dict:
    from shouwang.areas.models import Area, _segment

    stamp = loader.stamp(when)
    columns, template = model_row(Area, created_at=stamp, updated_at=stamp)
    idx = {c: i for i, c in enumerate(columns)}
    rows, next_id = [], 1
    per_sub = max(1, communities // (DISTRICTS * SUBDISTRICTS))
    community_ids, building_ids = [], []

    def add(name: str, kind: str, parent: tuple[int, str] | None, depth: int, expected=None):
        nonlocal next_id
        pk = next_id
        next_id += 1
        row = list(template)
        path = (parent[1] if parent else "") + _segment(pk)
        for col, value in (
            ("id", pk),
            ("name", name),
            ("kind", kind),
            ("parent_id", parent[0] if parent else None),
            ("path", path),
            ("depth", depth),
            ("expected_households", expected),
        ):
            row[idx[col]] = value
        rows.append(tuple(row))
        return pk, path

    made = 0
    for d in range(DISTRICTS):
        district = add(f"区{d}", Area.Kind.DISTRICT, None, 0)
        for s in range(SUBDISTRICTS):
            sub = add(f"街道{d}-{s}", Area.Kind.SUBDISTRICT, district, 1)
            for c in range(per_sub):
                if made >= communities:
                    break
                made += 1
                community = add(f"社区{d}-{s}-{c}", Area.Kind.COMMUNITY, sub, 2)
                community_ids.append(community[0])
                compound = add("小区", Area.Kind.COMPOUND, community, 3)
                for b in range(BUILDINGS):
                    building_ids.append(
                        add(f"{b + 1}号楼", Area.Kind.BUILDING, compound, 4, expected=30)[0]
                    )
    loader.load("areas_area", columns, rows)
    loader.reset_sequence("areas_area")
    return {"communities": community_ids, "buildings": building_ids, "areas": len(rows)}


def build_people(loader: Loader, tree: dict, persons: int, when: datetime) -> int:
    from shouwang.people.models import Household, Person

    buildings = tree["buildings"]
    households = persons // 3
    stamp = loader.stamp(when)
    h_cols, h_tpl = model_row(Household, created_at=stamp, updated_at=stamp)
    hi = {c: i for i, c in enumerate(h_cols)}

    def household_rows():
        for pk in range(1, households + 1):
            row = list(h_tpl)
            row[hi["id"]] = pk
            row[hi["area_id"]] = buildings[pk % len(buildings)]
            row[hi["room"]] = str(pk)
            # registered over the weeks before (distinct times, as a real ledger has)
            row[hi["created_at"]] = row[hi["updated_at"]] = loader.stamp(
                when + timedelta(seconds=3 * pk)
            )
            yield tuple(row)

    started = time.perf_counter()
    loader.load("people_household", h_cols, household_rows())
    loader.reset_sequence("people_household")
    log(f"  households: {households} in {time.perf_counter() - started:.1f}s")

    p_cols, p_tpl = model_row(Person, created_at=stamp, updated_at=stamp, name="居民")
    pi = {c: i for i, c in enumerate(p_cols)}

    def person_rows():
        for pk in range(1, persons + 1):
            household = (pk - 1) // 3 + 1
            if household > households:
                household = households
            row = list(p_tpl)
            row[pi["id"]] = pk
            row[pi["household_id"]] = household
            # one head per household (the ledger's constraint), the others its family
            head = (pk - 1) % 3 == 0 and household == (pk - 1) // 3 + 1
            row[pi["relation"]] = Person.Relation.HEAD if head else Person.Relation.CHILD
            row[pi["area_id"]] = buildings[household % len(buildings)]
            row[pi["created_at"]] = row[pi["updated_at"]] = loader.stamp(
                when + timedelta(seconds=pk)
            )
            if pk % 97 == 0:
                row[pi["moved_out"]] = True
                row[pi["moved_out_at"]] = loader.stamp(when + timedelta(seconds=pk, days=1))
            yield tuple(row)

    started = time.perf_counter()
    loader.load("people_person", p_cols, person_rows())
    loader.reset_sequence("people_person")
    log(f"  persons: {persons} in {time.perf_counter() - started:.1f}s")
    return households


def build_watch(loader: Loader, tree: dict, persons: int, span, rng: random.Random) -> None:
    from shouwang.watch.models import Alert, Category, KeyPerson

    category = Category.objects.create(name="外地返回")
    buildings = tree["buildings"]
    k_cols, k_tpl = model_row(
        KeyPerson,
        category_id=category.pk,
        source="screening",
        measure="home",
        start_date=span.day,
        planned_end=span.day + timedelta(days=14),
        status="active",
    )
    ki = {c: i for i, c in enumerate(k_cols)}
    hours = int((span.end - span.start).total_seconds() // 3600)

    def key_rows():
        for n, person in enumerate(range(150, persons, 300), start=1):
            row = list(k_tpl)
            at = (
                span.start
                - timedelta(days=rng.randint(0, 13))
                + timedelta(hours=rng.randint(0, hours - 1))
            )
            row[ki["id"]] = n
            row[ki["person_id"]] = person
            row[ki["area_id"]] = buildings[((person - 1) // 3 + 1) % len(buildings)]
            row[ki["created_at"]] = row[ki["updated_at"]] = loader.stamp(at)
            row[ki["code"]] = f"bench{n:09d}"
            if n % 10 == 0:
                row[ki["status"]] = "released"
                row[ki["ended_at"]] = loader.stamp(at + timedelta(hours=1))
            yield tuple(row)

    loader.load("watch_keyperson", k_cols, key_rows())
    loader.reset_sequence("watch_keyperson")
    a_cols, a_tpl = model_row(Alert, kind="fever", title="体温37.6℃")
    ai = {c: i for i, c in enumerate(a_cols)}

    def alert_rows():
        for n in range(1, 20_001):
            row = list(a_tpl)
            row[ai["id"]] = n
            row[ai["area_id"]] = rng.choice(buildings)
            row[ai["raised_at"]] = loader.stamp(
                span.start + timedelta(seconds=rng.randint(0, 86_399))
            )
            yield tuple(row)

    loader.load("watch_alert", a_cols, alert_rows())
    loader.reset_sequence("watch_alert")


def build_checkins(loader: Loader, tree: dict, checkins: int, spans, rng: random.Random):
    """``checkins`` rows in each of ``spans`` (the measured day and the day in progress)."""
    import uuid
    from decimal import Decimal

    from shouwang.accounts.models import User
    from shouwang.accounts.roles import Role
    from shouwang.checkpoints.models import CheckIn, Checkpoint

    communities = tree["communities"]
    columns_cp, template = model_row(Checkpoint, active=True, kind="gate", directions="both")
    columns = columns_cp
    points = []
    for n, community in enumerate(
        (c for c in communities for _ in range(CHECKPOINTS_PER_COMMUNITY)), start=1
    ):
        row = dict(zip(columns, template, strict=True))
        row.update(
            id=n,
            area_id=community,
            name=f"卡点{n}",
            code=f"bench{n:08d}",
            created_at=loader.stamp(spans[0].start),
            updated_at=loader.stamp(spans[0].start),
        )
        points.append(tuple(row[c] for c in columns))
    loader.load("checkpoints_checkpoint", columns, points)
    loader.reset_sequence("checkpoints_checkpoint")
    # STAFF_PER_CHECKPOINT accounts per checkpoint, in the checkpoint's community; ids
    # after the bench's own few users.
    first_staff = 1000
    u_cols, u_tpl = model_row(
        User, role=Role.CHECKPOINT_STAFF, date_joined=loader.stamp(spans[0].start)
    )
    ui = {c: i for i, c in enumerate(u_cols)}

    def staff_rows():
        for n, community in enumerate(
            (c for c in communities for _ in range(CHECKPOINTS_PER_COMMUNITY)), start=0
        ):
            for k in range(STAFF_PER_CHECKPOINT):
                pk = first_staff + n * STAFF_PER_CHECKPOINT + k
                row = list(u_tpl)
                row[ui["id"]] = pk
                row[ui["username"]] = f"bench_staff_{pk}"
                row[ui["area_id"]] = community
                yield tuple(row)

    loader.load("accounts_user", u_cols, staff_rows())
    loader.reset_sequence("accounts_user")

    columns, template = model_row(CheckIn)
    index = {c: i for i, c in enumerate(columns)}
    fever = Decimal("37.8")

    def rows():
        n = 0
        for span in spans:
            seconds = int((span.end - span.start).total_seconds())
            for _ in range(checkins):
                n += 1
                row = list(template)
                vehicle = n % 4 == 0
                point = rng.randint(1, len(points))
                row[index["id"]] = n
                row[index["client_id"]] = (
                    uuid.UUID(int=n) if loader.vendor == "postgresql" else (uuid.UUID(int=n).hex)
                )
                row[index["checkpoint_id"]] = point
                row[index["area_id"]] = points[point - 1][columns_cp.index("area_id")]
                if n % 3:
                    row[index["recorded_by_id"]] = (
                        first_staff + (point - 1) * STAFF_PER_CHECKPOINT + n % STAFF_PER_CHECKPOINT
                    )
                row[index["at"]] = loader.stamp(
                    span.start + timedelta(seconds=rng.randrange(seconds))
                )
                row[index["direction"]] = "in" if n % 2 else "out"
                row[index["subject"]] = "v" if vehicle else "p"
                row[index["source"]] = "self"
                row[index["status"]] = "turned_back" if n % 50 == 0 else "confirmed"
                row[index["result"]] = "g"
                row[index["occupants"]] = 2 if vehicle else None
                row[index["plate"]] = f"豫A{n % 100000:05d}" if vehicle else ""
                row[index["visitor"]] = False
                row[index["temperature"]] = fever if n % 1000 == 0 else None
                yield row

    started = time.perf_counter()
    loader.load("checkpoints_checkin", columns, rows())
    loader.reset_sequence("checkpoints_checkin")
    log(f"  check-ins: {checkins} × {len(spans)} days in {time.perf_counter() - started:.1f}s")
    return CheckIn


def raw_limits(span) -> dict:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "SELECT count(*) FROM checkpoints_checkin WHERE at >= %s AND at < %s",
            [span.start, span.end],
        )
        cursor.fetchall()
        out["raw_checkin_count_ms"] = round((time.perf_counter() - started) * 1000, 1)
        started = time.perf_counter()
        cursor.execute("SELECT area_id, count(*) FROM people_person GROUP BY area_id")
        cursor.fetchall()
        out["raw_person_group_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return out


def time_dashboard(user, rounds: int = 20) -> tuple[float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get("/dashboard/")
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get("/dashboard/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get("/dashboard/")
    return round(statistics.median(times), 1), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--communities", type=int, default=5000)
    parser.add_argument("--persons", type=int, default=1_500_000)
    parser.add_argument("--checkins", type=int, default=1_000_000)
    parser.add_argument(
        "--runs", type=int, default=3, help="warm roll-ups of each day (the machine is shared)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    name, drop = setup_database(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        result = run(args)
    finally:
        if not args.keep:
            drop()
    print(json.dumps(result, ensure_ascii=False))


def run(args) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from shouwang.accounts.models import User
    from shouwang.accounts.roles import Role
    from shouwang.areas.models import Area
    from shouwang.checkpoints import partitions
    from shouwang.reports import catalog, days
    from shouwang.reports.indicators import shared_reads
    from shouwang.reports.rollup import rollup, scanning

    rng = random.Random(2020)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f}s")
    # The measured roll-up is the day just closed: its final figures, computed once
    # after its cutoff. The day in progress (rolled every few minutes for the
    # dashboard, with its hourly counts) is measured too, with as many check-ins.
    day, today = days.last_closed_day(), days.open_day()
    span, open_span = days.window(day), days.window(today)
    loader = Loader()
    when = span.start - timedelta(days=20)

    started = time.perf_counter()
    tree = build_tree(loader, args.communities, when)
    log(f"tree: {tree['areas']} areas, {len(tree['communities'])} communities")
    build_people(loader, tree, args.persons, when)
    build_watch(loader, tree, args.persons, span, rng)
    # PostgreSQL: the day partitions a deployment keeps (the retention window and the
    # days ahead), so the loaded days land in their own.
    partitions.create_days(day - timedelta(days=28), today + timedelta(days=partitions.AHEAD_DAYS))
    checkin_model = build_checkins(loader, tree, args.checkins, [span, open_span], rng)
    loader.analyze()
    load_seconds = round(time.perf_counter() - started, 1)
    log(f"loaded in {load_seconds}s")

    catalog.all_definitions()
    load_before = os.getloadavg()[0]
    cold = rollup(day)
    log(f"roll-up of {day} (cold): {cold.seconds}s, {cold.communities} communities")
    warms = [rollup(day) for _ in range(max(1, args.runs))]
    warm = sorted(warms, key=lambda r: r.seconds)[len(warms) // 2]
    log(
        f"roll-up (warm, {len(warms)} runs): {[r.seconds for r in warms]}s; median "
        f"{warm.seconds}s: compute {warm.compute_seconds}s, store {warm.store_seconds}s"
    )
    lives = [rollup(today) for _ in range(max(1, args.runs))]
    live = sorted(lives, key=lambda r: r.seconds)[len(lives) // 2]
    log(f"roll-up of the day in progress {today} with hourly counts: {[r.seconds for r in lives]}s")
    # Each compute function in turn inside one shared_reads block and the roll-up's
    # reading transaction, as in the roll-up: the first indicator over a table pays for its scan (and the first of
    # all for the area map), the others over the same rows reuse it.
    per_indicator = {}
    communities = list(Area.objects.communities().only("id", "path"))
    with scanning(), shared_reads():
        for definition in catalog.to_compute(catalog.all_definitions()):
            indicator = definition.indicator
            if indicator is None or indicator.compute is None:
                continue
            t0 = time.perf_counter()
            indicator.compute(span, communities)
            per_indicator[definition.code] = round((time.perf_counter() - t0) * 1000, 1)
    log(f"per indicator (ms): {per_indicator}")
    district = Area.objects.filter(kind=Area.Kind.DISTRICT).order_by("path").first()
    subdistrict = Area.objects.filter(kind=Area.Kind.SUBDISTRICT).order_by("path").first()
    hq_district = User.objects.create(username="bench_d", role=Role.HQ_ADMIN, area=district)
    hq_sub = User.objects.create(username="bench_s", role=Role.HQ_ADMIN, area=subdistrict)
    dashboard_ms, dashboard_queries = time_dashboard(hq_district)
    dashboard_sub_ms, _ = time_dashboard(hq_sub)
    log(f"dashboard: {dashboard_ms} ms (district), {dashboard_sub_ms} ms (sub-district)")
    from django.db.models import Count

    from shouwang.people.models import Person

    return {
        "db": connection.vendor,
        "communities": len(tree["communities"]),
        "persons": Person.objects.aggregate(n=Count("id"))["n"],
        "checkins": checkin_model.objects.filter(at__gte=span.start, at__lt=span.end).count(),
        "load_seconds": load_seconds,
        "rollup_seconds": cold.seconds,
        "rollup_seconds_warm": warm.seconds,
        "rollup_seconds_warm_runs": [r.seconds for r in warms],
        "rollup_compute_seconds": warm.compute_seconds,
        "rollup_store_seconds": warm.store_seconds,
        "rollup_open_day_seconds": live.seconds,
        "rollup_open_day_seconds_runs": [r.seconds for r in lives],
        "rollup_rows": cold.areas,
        "indicator_ms": per_indicator,
        "dashboard_ms": dashboard_ms,
        "dashboard_subdistrict_ms": dashboard_sub_ms,
        "dashboard_queries": dashboard_queries,
        **raw_limits(span),
        # other processes on the machine (1-minute load average before the roll-ups
        # and at the end of the run)
        "load_average_before": round(load_before, 2),
        "load_average": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    main()
