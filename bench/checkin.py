"""Benchmark: the repeat one-tap check-in over HTTP against the production server.

    .venv/bin/python bench/checkin.py --db sqlite|postgresql [--seconds 20] [--clients 8]

1. Creates a scratch database (SQLite in a temp dir via SHOUWANG_VAR; PostgreSQL
   ``shouwang_bench_<pid>`` at DATABASE_URL's server, default postgres@127.0.0.1:5432),
   migrates it and seeds a community, one 24-hour checkpoint and ``--persons`` residents
   with phone passes (the "remembered phone" cookie of each is signed here). On
   PostgreSQL it creates the check-in table's day partitions of the retention window and
   the days ahead, as a deployment has them.
2. Starts the server as the README documents it: ``shouwang serve --no-worker --port``.
3. Runs ``--clients`` concurrent clients (asyncio, one connection per request: gunicorn's
   sync workers close after each response) for ``--seconds``: each client loads the
   checkpoint page once (CSRF token), then POSTs one-tap check-ins with fresh client ids,
   each with the next resident's pass (the app refuses a 31st tap of one pass in an hour).
   A request counts only if it answers 200 with a result page; anything else is an error,
   and the server log is searched for "database is locked".
4. Measures in the same run the raw single-row insert rate of the same database into the
   same table (psycopg or sqlite3 alone, one row per transaction, same row shape, the same
   commit mode as the app: PostgreSQL ``synchronous_commit=off`` per transaction, SQLite
   WAL + synchronous=NORMAL), with as many connections as the server has workers, and
   with one connection for reference.
5. Checks that the rows in the table equal the successful responses, drops the scratch
   database, and prints the figures as one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import itertools
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- scratch database and seed --------------------------------------------------------


def scratch_env(db: str, var: str) -> tuple[dict, str | None]:
    env = {
        **os.environ,
        "SHOUWANG_VAR": var,
        "DJANGO_SETTINGS_MODULE": "shouwang.settings",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    if db == "sqlite":
        return env, None
    server = os.environ.get("DATABASE_URL", PG_DEFAULT)
    server = server.rsplit("/", 1)[0] if server.count("/") > 2 else server
    name = f"shouwang_bench_{os.getpid()}"
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{server}/{name}"
    return env, name


def drop_scratch(name: str | None) -> None:
    if name is None:
        return
    import psycopg

    server = os.environ.get("DATABASE_URL", PG_DEFAULT)
    server = server.rsplit("/", 1)[0] if server.count("/") > 2 else server
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(env: dict, persons: int) -> dict:
    """Migrate and seed in a child process (Django configured by ``env``)."""
    subprocess.run(
        [sys.executable, "-m", "shouwang.cli", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT
    )
    code = r"""
import json, sys
from datetime import date, timedelta
import django
django.setup()
from django.core import signing
from shouwang.areas import actions as area_actions
from django.conf import settings
from django.utils import timezone
from shouwang.checkpoints import partitions
from shouwang.checkpoints.models import Checkpoint, Pass
from shouwang.checkpoints.tokens import COOKIE_NAME, COOKIE_SALT
from shouwang.people.documents import check_char
from shouwang.people.models import Household, Person

n = int(sys.argv[1])
make = area_actions.create_area
district = make(name="示范区", kind="district", parent=None)
sub = make(name="明湖街道", kind="subdistrict", parent=district)
community = make(name="西城社区", kind="community", parent=sub)
compound = make(name="西城花园", kind="compound", parent=community)
building = make(name="1号楼", kind="building", parent=compound)
checkpoint = Checkpoint.objects.create(area=compound, name="西城花园东门")
signer = signing.get_cookie_signer(salt=COOKIE_NAME + COOKIE_SALT)
# PostgreSQL: the day partitions a deployment keeps (the retention window and the days
# the hourly job creates ahead), so inserts and lookups see a production layout.
today = timezone.localdate()
kept = timedelta(days=settings.CHECKIN_RETENTION_DAYS)
partitions.create_days(today - kept, today + timedelta(days=partitions.AHEAD_DAYS))
cookies = []
for i in range(n):
    household = Household.objects.create(area=building, room=str(100 + i))
    person = Person(area=building, household=household)
    person.set_name(f"居民{i}")
    born = date(1990, 1, 1) + timedelta(days=i // 1000)
    first17 = f"410105{born:%Y%m%d}{i % 1000:03d}"
    person.set_document("id_card", first17 + check_char(first17))
    person.save()
    cookies.append(signer.sign(Pass.objects.create(person=person).code))
print(json.dumps({"code": checkpoint.code, "checkpoint_id": checkpoint.pk, "cookies": cookies}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code, str(persons)],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the server ---------------------------------------------------------------------------


def start_server(env: dict, port: int, workers: int, logfile: Path) -> subprocess.Popen:
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is busy; pass --port 81xx")
    out = open(logfile, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "shouwang"),
            "serve",
            "--no-worker",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("server did not start:\n" + logfile.read_text()[-3000:])


def server_cpu(proc: subprocess.Popen) -> float:
    """CPU seconds used so far by the server's process tree (gunicorn and its workers)."""
    import psutil

    root = psutil.Process(proc.pid)
    total = 0.0
    for p in [root, *root.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            continue
    return total


def database_cpu(database: str | None) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving ``database`` and by
    the WAL writer (None: SQLite, which runs inside the server's workers). Other
    databases' backends on the same server are not counted."""
    import psutil

    if database is None:
        return 0.0
    total = 0.0
    for p in psutil.process_iter(["cmdline"]):
        title = " ".join(p.info["cmdline"] or [])
        if title.startswith("postgres: ") and (f" {database} " in title or "walwriter" in title):
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system
    return total


def own_cpu() -> float:
    """CPU seconds used so far by this process: the load generator."""
    t = os.times()
    return t.user + t.system


def stop_server(proc: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


# --- the load generator ---------------------------------------------------------------------


# As a phone's browser asks, so the server's gzip middleware is part of what is measured.
ACCEPT_GZIP = "Accept-Encoding: gzip, deflate\r\n"


async def http(port: int, raw: bytes) -> tuple[int, bytes, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    data = await reader.read()  # the sync worker closes the connection after the response
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    if b"\r\ncontent-encoding: gzip" in head.lower():
        body = gzip.decompress(body)
    return status, head, body


async def client(port: int, path: str, passes: list[str], stop_at: float, stats: dict) -> None:
    """One phone after another: each POST carries the next of ``passes`` (a pass may tap
    SELF_CHECKINS_PER_PASS times an hour, so one pass per client would soon be refused)."""
    host = f"127.0.0.1:{port}"
    status, head, body = await http(
        port,
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: sw_pass={passes[0]}\r\n"
        f"{ACCEPT_GZIP}Connection: close\r\n\r\n".encode(),
    )
    csrf_cookie = re.search(rb"csrftoken=([^;]+);", head)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not csrf_cookie or not token:
        stats["errors"] += 1
        stats["first_error"] = stats.get("first_error") or f"GET {status}"
        return
    csrf = f"csrftoken={csrf_cookie.group(1).decode()}"
    turn = itertools.cycle(passes)
    form_token = token.group(1).decode()
    direction = 0
    while time.perf_counter() < stop_at:
        direction ^= 1
        cookies = f"sw_pass={next(turn)}; {csrf}"
        # As the page sends it: the health declaration as shown (nothing ticked).
        form = (
            f"csrfmiddlewaretoken={form_token}&client_id={uuid.uuid4()}&declared=1&direction="
            + ("in" if direction else "out")
        )
        raw = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookies}\r\n"
            f"Referer: http://{host}{path}\r\n{ACCEPT_GZIP}"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\nConnection: close\r\n\r\n{form}"
        ).encode()
        started = time.perf_counter()
        try:
            status, _, body = await http(port, raw)
        except OSError as exc:
            status, body = 0, str(exc).encode()
        took = time.perf_counter() - started
        if status == 200 and b'id="result"' in body:
            stats["latencies"].append(took)
        else:
            stats["errors"] += 1
            if b"database is locked" in body:
                stats["locked"] += 1
            stats["first_error"] = stats.get("first_error") or f"POST {status}: {body[:200]!r}"


async def floor(port: int, clients: int, seconds: float, path: str = "/healthz") -> int:
    """GET /healthz (Django, middleware, one SELECT 1): the framework's floor here."""
    done = 0
    stop_at = time.perf_counter() + seconds
    raw = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"

    async def one() -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            try:
                status, _, _ = await http(port, raw.encode())
            except OSError:
                continue
            done += status == 200

    await asyncio.gather(*(one() for _ in range(clients)))
    return done


async def load(port: int, path: str, cookies: list[str], clients: int, seconds: float) -> dict:
    stats: dict = {"latencies": [], "errors": 0, "locked": 0}
    warm: dict = {"latencies": [], "errors": 0, "locked": 0}
    warm_until = time.perf_counter() + 2
    await asyncio.gather(
        *(client(port, path, cookies[i::clients], warm_until, warm) for i in range(clients))
    )
    stats["warmup_ok"] = len(warm["latencies"])
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(
        *(client(port, path, cookies[i::clients], stop_at, stats) for i in range(clients))
    )
    stats["elapsed"] = time.perf_counter() - started
    return stats


HELLO_WSGI = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
"""


def http_floor(var: str, port: int, workers: int, clients: int, seconds: float) -> float:
    """The same gunicorn and the same load generator in front of a WSGI app that does
    nothing: the requests per second this machine allows before any Django code runs."""
    Path(var, "hello_wsgi.py").write_text(HELLO_WSGI)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hello_wsgi:app",
            "--chdir",
            var,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        return asyncio.run(floor(port, clients, seconds, path="/")) / seconds
    finally:
        stop_server(proc)


# --- raw single-row inserts -------------------------------------------------------------------

ROW_SQL = (
    "INSERT INTO checkpoints_checkin (client_id, checkpoint_id, area_id, at, direction, "
    "subject, source, status, result, person_id, pass_used_id, temperature, plate, occupants, "
    "visitor, note, recorded_by_id, confirmed_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, "
    "{p}, {p}, {p}, {p}, NULL, '', NULL, {false}, '', NULL, NULL)"
)


def raw_inserts(db: str, env: dict, checkpoint_id: int, connections: int, seconds: float) -> float:
    from datetime import UTC, datetime

    counts = [0] * connections
    stop_at = time.perf_counter() + seconds

    def pg_worker(i: int) -> None:
        import psycopg

        sql = ROW_SQL.format(p="%s", false="false")
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            person, pass_id = conn.execute(
                "SELECT person_id, id FROM checkpoints_pass ORDER BY id LIMIT 1"
            ).fetchone()
            (area_id,) = conn.execute(
                "SELECT area_id FROM checkpoints_checkpoint WHERE id = %s", (checkpoint_id,)
            ).fetchone()
            while time.perf_counter() < stop_at:
                with conn.transaction():
                    conn.execute("SET LOCAL synchronous_commit TO OFF")
                    conn.execute(
                        sql,
                        (
                            uuid.uuid4(),
                            checkpoint_id,
                            area_id,
                            datetime.now(UTC),
                            "in",
                            "p",
                            "self",
                            "declared",
                            "g",
                            person,
                            pass_id,
                        ),
                    )
                counts[i] += 1

    def sqlite_worker(i: int) -> None:
        import sqlite3

        sql = ROW_SQL.format(p="?", false="0")
        conn = sqlite3.connect(
            Path(env["SHOUWANG_VAR"]) / "shouwang.sqlite3", timeout=5, isolation_level=None
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
        person, pass_id = conn.execute(
            "SELECT person_id, id FROM checkpoints_pass ORDER BY id LIMIT 1"
        ).fetchone()
        (area_id,) = conn.execute(
            "SELECT area_id FROM checkpoints_checkpoint WHERE id = ?", (checkpoint_id,)
        ).fetchone()
        while time.perf_counter() < stop_at:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                sql,
                (
                    uuid.uuid4().hex,
                    checkpoint_id,
                    area_id,
                    datetime.now(UTC).isoformat(" "),
                    "in",
                    "p",
                    "self",
                    "declared",
                    "g",
                    person,
                    pass_id,
                ),
            )
            conn.execute("COMMIT")
            counts[i] += 1
        conn.close()

    worker = pg_worker if db == "postgresql" else sqlite_worker
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - started)


def count_rows(db: str, env: dict) -> int:
    if db == "postgresql":
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return conn.execute("SELECT count(*) FROM checkpoints_checkin").fetchone()[0]
    import sqlite3

    conn = sqlite3.connect(Path(env["SHOUWANG_VAR"]) / "shouwang.sqlite3")
    try:
        return conn.execute("SELECT count(*) FROM checkpoints_checkin").fetchone()[0]
    finally:
        conn.close()


ROLLUP = r"""
import json, sys, time, uuid
from datetime import timedelta
import django
django.setup()
from django.db import connection
from django.utils import timezone
from shouwang.areas.models import Area
from shouwang.checkpoints.models import Checkpoint, CheckIn, local_day_bounds

n = int(sys.argv[1])
compound = Area.objects.get(name="西城花园")
for i in range(99):
    Checkpoint.objects.get_or_create(area=compound, name=f"卡点{i}")
ids = list(Checkpoint.objects.values_list("pk", flat=True))
days = 10
now = timezone.now()
started = time.perf_counter()
if connection.vendor == "postgresql":
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO checkpoints_checkin (client_id, checkpoint_id, area_id, at, direction,"
            " subject, source, status, result, temperature, plate, visitor, note)"
            " SELECT gen_random_uuid(), (%s::bigint[])[1 + (g %% %s)], %s,"
            " %s - (g %% (86400 * %s)) * interval '1 second',"
            " CASE WHEN g %% 2 = 0 THEN 'in' ELSE 'out' END, CASE WHEN g %% 7 = 0 THEN 'v' ELSE 'p' END,"
            " 'staff', CASE WHEN g %% 13 = 0 THEN 'turned_back' ELSE 'confirmed' END, 'g',"
            " CASE WHEN g %% 997 = 0 THEN 38.0 ELSE 36.5 END, '', false, ''"
            " FROM generate_series(1, %s) g",
            [ids, len(ids), compound.pk, now, days, n],
        )
        c.execute("ANALYZE checkpoints_checkin")
else:
    connection.ensure_connection()
    raw = connection.connection  # sqlite3 itself: Django's cursor wrapper is slow per row
    rows = []
    for g in range(1, n + 1):
        rows.append((uuid.uuid4().hex, ids[g % len(ids)], compound.pk,
                     (now - timedelta(seconds=g % (86400 * days))).strftime("%Y-%m-%d %H:%M:%S.%f"),
                     "in" if g % 2 == 0 else "out", "v" if g % 7 == 0 else "p", "staff",
                     "turned_back" if g % 13 == 0 else "confirmed", "g",
                     "38.0" if g % 997 == 0 else "36.5", "", 0, ""))
        if len(rows) == 50000 or g == n:
            raw.execute("BEGIN IMMEDIATE")
            raw.executemany(
                "INSERT INTO checkpoints_checkin (client_id, checkpoint_id, area_id, at,"
                " direction, subject, source, status, result, temperature, plate, visitor, note)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            raw.execute("COMMIT")
            rows = []
    raw.execute("ANALYZE")
load_s = time.perf_counter() - started
day = timezone.localdate() - timedelta(days=1)
start, end = local_day_bounds(day)
def timed(fn):
    fn()
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out
rollup_ms, hours = timed(lambda: CheckIn.objects.in_community(compound.parent).between(start, end).by_hour())
figures_ms, figures = timed(lambda: CheckIn.objects.community_figures(compound.parent, start, end))
trace_ms, trace = timed(lambda: list(CheckIn.objects.filter(checkpoint_id=ids[5]).between(
    start + timedelta(hours=9), start + timedelta(hours=11)).values_list("person_id", "at")))
print(json.dumps({"rollup_rows": CheckIn.objects.count(), "rollup_load_s": round(load_s, 1),
    "rollup_day_rows": figures["checkins"], "rollup_by_hour_ms": round(rollup_ms, 1),
    "rollup_hour_groups": len(hours), "community_figures_ms": round(figures_ms, 1),
    "trace_2h_ms": round(trace_ms, 1), "trace_rows": len(trace)}))
"""


def rollup(env: dict, rows: int) -> dict:
    """Load ``rows`` passages over ten days at 100 checkpoints, then time the day's
    roll-up per checkpoint and hour, a community's figures and a 2-hour presence trace."""
    out = subprocess.run(
        [sys.executable, "-c", ROLLUP, str(rows)],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1)))),
        help="as `shouwang serve` (the README's command): WEB_CONCURRENCY, else 2 × cores",
    )
    parser.add_argument(
        "--persons",
        type=int,
        default=2000,
        help="residents with passes, taken in turn by the clients (≥ the clients)",
    )
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--raw-seconds", type=float, default=5)
    parser.add_argument(
        "--floor-seconds", type=float, default=5, help="each of the two HTTP floor runs"
    )
    parser.add_argument(
        "--rollup-rows", type=int, default=1_000_000, help="0 skips the roll-up timing"
    )
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="shouwang-bench-")
    env, scratch = scratch_env(args.db, var)
    proc = None
    try:
        log(f"seeding {args.persons} residents ({args.db}) …")
        seeded = seed(env, args.persons)
        proc = start_server(env, args.port, args.workers, Path(var) / "server.log")
        path = f"/c/{seeded['code']}/"
        log(f"{args.clients} clients for {args.seconds:.0f} s against {path} …")
        cpu_before, db_before, own_before = server_cpu(proc), database_cpu(scratch), own_cpu()
        stats = asyncio.run(load(args.port, path, seeded["cookies"], args.clients, args.seconds))
        server_cpu_s = server_cpu(proc) - cpu_before
        db_cpu_s = database_cpu(scratch) - db_before
        loadgen_cpu_s = own_cpu() - own_before
        log("framework floor: GET /healthz …")
        cpu_before = server_cpu(proc)
        floor_n = asyncio.run(floor(args.port, args.clients, args.floor_seconds))
        floor_cpu_ms = (server_cpu(proc) - cpu_before) * 1000 / max(floor_n, 1)
        stop_server(proc)
        proc = None
        log("HTTP floor: gunicorn with an empty WSGI app …")
        http_floor_rate = http_floor(
            var, args.port + 1, args.workers, args.clients, args.floor_seconds
        )
        server_log = (Path(var) / "server.log").read_text(errors="replace")
        locked = stats["locked"] + server_log.count("database is locked")
        rows = count_rows(args.db, env)
        log("raw single-row inserts …")
        raw = raw_inserts(args.db, env, seeded["checkpoint_id"], args.workers, args.raw_seconds)
        raw_1 = raw_inserts(args.db, env, seeded["checkpoint_id"], 1, args.raw_seconds)
        extra = {}
        if args.rollup_rows:
            log(f"roll-up over {args.rollup_rows} passages …")
            extra = rollup(env, args.rollup_rows)
        latencies = stats["latencies"]
        ok = len(latencies)
        rate = ok / stats["elapsed"]
        # Per request (warm-up included: the CPU counters ran through it too).
        requests = ok + stats["warmup_ok"]
        cpu_ms = {
            "server": server_cpu_s * 1000 / max(requests, 1),
            "database": db_cpu_s * 1000 / max(requests, 1),
            "loadgen": loadgen_cpu_s * 1000 / max(requests, 1),
        }
        cpu_total_ms = sum(cpu_ms.values())
        result = {
            "db": args.db,
            "seconds": round(stats["elapsed"], 1),
            "clients": args.clients,
            "workers": args.workers,
            "checkins": ok,
            "checkins_per_s": round(rate, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
            "server_cpu_ms_per_checkin": round(cpu_ms["server"], 2) if ok else None,
            "database_cpu_ms_per_checkin": round(cpu_ms["database"], 2) if ok else None,
            "loadgen_cpu_ms_per_checkin": round(cpu_ms["loadgen"], 2) if ok else None,
            # What the machine's cores allow at this much CPU per check-in, all three
            # sharing them: the bound the measured rate runs into once the cores are busy.
            "cpu_bound_per_s": round((os.cpu_count() or 1) * 1000 / cpu_total_ms, 1)
            if ok and cpu_total_ms
            else None,
            "healthz_per_s": round(floor_n / args.floor_seconds, 1),
            "healthz_cpu_ms": round(floor_cpu_ms, 2),
            "http_floor_per_s": round(http_floor_rate, 1),
            "ratio_to_http_floor": round(rate / http_floor_rate, 3) if http_floor_rate else None,
            "errors": stats["errors"],
            "database_locked": locked,
            "rows_match": rows == ok + stats["warmup_ok"],
            "raw_insert_per_s": round(raw, 1),
            "raw_connections": args.workers,
            "raw_insert_per_s_1conn": round(raw_1, 1),
            "ratio": round(rate / raw, 3) if raw else None,
            "first_error": stats.get("first_error"),
            "cpus": os.cpu_count(),
            "load_average": round(os.getloadavg()[0], 1),
            **extra,
        }
    finally:
        if proc is not None:
            stop_server(proc)
        drop_scratch(scratch)
        shutil.rmtree(var, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
