"""Benchmark: import a seed-001-sized ledger (161,771 persons) from Excel.

    .venv/bin/python bench/ledger_import.py --db sqlite|postgresql [--rows N]

Creates a scratch database (SQLite in a temp dir; PostgreSQL database
``shouwang_bench_<pid>`` at DATABASE_URL or postgres@127.0.0.1:5432) with the demo
sub-district's 480 buildings and an HQ user, writes an xlsx of N persons (the demo's
families, valid IDs, template layout), then in separate processes:

- ``openpyxl``: openpyxl alone reading the file (read-only, values) — the floor;
- ``import``: the upload → check → commit the UI does, through Django's test client
  (tasks run inline), its peak RSS, then ledger searches as the UI sends them;
- ``raw``: the database alone inserting N person-sized rows — the write ceiling.

Prints one JSON object on the last line: rows, seconds, rows_per_s, peak_rss_mb,
openpyxl_read_seconds, ratio (seconds / openpyxl_read_seconds), search_p95_ms, …
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _phases import postgres_urls, run_phase

ROOT = Path(__file__).resolve().parent.parent
SEED_ROWS = 161_771
SEED_HOUSEHOLDS = 56_149


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.settings")
    import django

    django.setup()


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# Phases (each runs in its own process) -------------------------------------------------


def phase_setup(rows: int, path: str) -> dict:
    django_setup()
    from datetime import date

    from django.core.management import call_command
    from django.db import transaction

    from shouwang.accounts.models import User
    from shouwang.accounts.roles import Role
    from shouwang.areas import demo as areas_demo
    from shouwang.areas.models import Area
    from shouwang.core.demo import SIZES, DemoContext
    from shouwang.core.xlsx import workbook_bytes
    from shouwang.people import demo as people_demo
    from shouwang.people.importing import TEMPLATE_HEADERS
    from shouwang.people.models import Household, Person

    call_command("migrate", verbosity=0)
    ctx = DemoContext(size_name="seed001", rng=random.Random(2020), out=sys.stderr)
    with transaction.atomic():
        areas_demo.build(ctx)
    user = User(username="bench_hq", role=Role.HQ_ADMIN, area=ctx.subdistrict, full_name="基准")
    user.set_password("bench-password-2020")
    user.save()
    buildings = list(
        Area.objects.within(ctx.subdistrict).buildings().select_related("parent").order_by("path")
    )
    size = dict(SIZES["seed001"])
    size["ledger_persons"] = rows
    size["ledger_households"] = round(SEED_HOUSEHOLDS * rows / SEED_ROWS)
    targets = people_demo.building_targets(size, len(buildings))
    today = date.today()  # noqa: DTZ011 - a calendar date for ages
    used: set[str] = set()
    relation = dict(Person.Relation.choices)
    residence = dict(Person.ResidenceType.choices)
    housing = dict(Household.HousingType.choices)

    def lines():
        for building, (households, persons) in zip(buildings, targets, strict=True):
            plan = people_demo.plan_building(
                building.path, households, persons, today=today, used=used
            )
            for home in plan:
                for r in home.residents:
                    yield [
                        r.name,
                        "居民身份证",
                        r.id_number,
                        r.phone,
                        building.parent.name,
                        building.name,
                        home.unit,
                        home.room,
                        relation[r.relation],
                        residence[r.residence_type],
                        housing[home.housing_type],
                        "、".join(r.tags),
                        "是" if r.party_member else "否",
                        "",
                    ]

    Path(path).write_bytes(workbook_bytes(TEMPLATE_HEADERS, lines(), title="人员台账"))
    return {"file_mb": round(Path(path).stat().st_size / 2**20, 1)}


def phase_openpyxl(path: str) -> dict:
    from openpyxl import load_workbook

    start = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=False)
    count = 0
    for _ in workbook.worksheets[0].iter_rows(values_only=True):
        count += 1
    workbook.close()
    return {"openpyxl_read_seconds": round(time.perf_counter() - start, 2), "sheet_rows": count}


def phase_import(path: str, rows: int) -> dict:
    django_setup()
    from django.test import Client
    from django.urls import reverse

    from shouwang.accounts.models import User
    from shouwang.people.models import Household, ImportJob, Person

    client = Client()
    client.force_login(User.objects.get(username="bench_hq"))
    start = time.perf_counter()
    with open(path, "rb") as f:
        response = client.post(reverse("people:import"), {"file": f})
    assert response.status_code == 302, response.content[:2000]
    job = ImportJob.objects.get()
    checked = time.perf_counter()
    assert job.status == ImportJob.Status.CHECKED, (job.status, job.message)
    response = client.post(reverse("people:import_commit", args=[job.code]))
    assert response.status_code == 302
    done = time.perf_counter()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, (job.status, job.message)
    persons = Person.objects.count()
    result = {
        "rows": rows,
        "seconds": round(done - start, 2),
        "check_seconds": round(checked - start, 2),
        "commit_seconds": round(done - checked, 2),
        "peak_rss_mb": peak_rss_mb(),
        "persons": persons,
        "households": Household.objects.count(),
        "problems": job.problem_count,
    }
    assert persons == rows - job.problem_count, result
    from django.conf import settings

    result["temp_files_left"] = len(list((Path(settings.VAR_DIR) / "uploads").glob("*")))
    result |= search(client)
    return result


def search(client) -> dict:
    """Ledger searches as the search box sends them (htmx POST, rows fragment)."""
    from django.urls import reverse

    from shouwang.people.models import Household, Person

    rng = random.Random(7)
    sample = list(Person.objects.order_by("?")[:40])
    homes = list(Household.objects.select_related("area").order_by("?")[:15])
    queries = []
    for p in sample[:15]:
        queries += [p.name[:1], p.name, p.name_initials[:2]]
    for p in sample[15:40]:
        queries += [p.document_number[-4:] or p.name, p.phone_last4 or p.name]
    for h in homes:
        queries.append(f"{h.area.name}{h.unit}单元{h.room}")
    queries.append(sample[0].phone)
    queries.append(sample[1].document_number)
    rng.shuffle(queries)
    url = reverse("people:index")
    client.post(url, {"q": "王"}, HTTP_HX_REQUEST="true")  # warm up
    times = []
    for q in queries:
        start = time.perf_counter()
        response = client.post(url, {"q": q}, HTTP_HX_REQUEST="true")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return {
        "search_queries": len(times),
        "search_median_ms": round(statistics.median(times), 1),
        "search_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "search_max_ms": round(times[-1], 1),
    }


def phase_raw(rows: int) -> dict:
    """The database alone: N person-sized rows in one transaction, by the fastest plain
    path (SQLite: executemany; PostgreSQL: COPY, which the import uses too)."""
    django_setup()
    from django.db import connection, transaction

    row = ("张三丰", "zsf", "id_card", "g" * 120, "h" * 64, "1234", "M", "1980-01-01")
    row += ("p" * 120, "h" * 64, "5678", "head", "permanent", "f", "f", "", "1", "1", "1")
    names = [f"c{i}" for i in range(len(row))]
    columns = ", ".join(f"{n} text" for n in names)
    postgresql = connection.vendor == "postgresql"
    key = (
        "id bigint generated by default as identity primary key"
        if postgresql
        else "id integer primary key"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_raw ({key}, {columns})")
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as c2:
            if postgresql:
                with c2.cursor.copy(f"COPY bench_raw ({', '.join(names)}) FROM STDIN") as copy:
                    for _ in range(rows):
                        copy.write_row(row)
            else:
                values = ", ".join(["%s"] * len(row))
                c2.executemany(
                    f"INSERT INTO bench_raw ({', '.join(names)}) VALUES ({values})",
                    [row] * rows,
                )
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_raw")
    return {"raw_insert_seconds": round(seconds, 2), "raw_rows_per_s": round(rows / seconds)}


# Driver ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rows", type=int, default=SEED_ROWS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = {
            "setup": lambda: phase_setup(args.rows, args.file),
            "openpyxl": lambda: phase_openpyxl(args.file),
            "import": lambda: phase_import(args.file, args.rows),
            "raw": lambda: phase_raw(args.rows),
        }[args.phase]()
        print(json.dumps(result))
        return

    tmp = tempfile.mkdtemp(prefix="shouwang-bench-ledger-")
    env = {
        **os.environ,
        "SHOUWANG_VAR": tmp,
        "DJANGO_SETTINGS_MODULE": "shouwang.settings",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    admin_url = db_name = None
    if args.db == "postgresql":
        import psycopg

        admin_url, env["DATABASE_URL"], db_name = postgres_urls()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
    file = str(Path(tmp) / "ledger.xlsx")
    try:
        result: dict = {"db": args.db}
        started = time.perf_counter()
        result |= run_phase(__file__, "setup", env, "--rows", str(args.rows), "--file", file)
        print(f"setup done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        result |= run_phase(__file__, "openpyxl", env, "--file", file)
        result |= run_phase(__file__, "import", env, "--rows", str(args.rows), "--file", file)
        result |= run_phase(__file__, "raw", env, "--rows", str(args.rows))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if db_name:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    result["rows_per_s"] = round(result["rows"] / result["seconds"])
    result["ratio"] = round(result["seconds"] / result["openpyxl_read_seconds"], 2)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
