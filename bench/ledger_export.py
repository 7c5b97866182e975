"""Benchmark: export a large resident ledger to xlsx (default 50,000 persons).

    .venv/bin/python bench/ledger_export.py --db sqlite|postgresql [--persons N]

Creates a scratch database (SQLite in a temp dir; PostgreSQL database
``shouwang_bench_<pid>`` at DATABASE_URL or postgres@127.0.0.1:5432) with the demo
sub-district's 480 buildings, N demo residents (``people.demo``: valid IDs, phones,
tags) and an HQ user, then in separate processes:

- ``rows``: ``exporting.rows`` alone over the whole ledger, masked and unmasked (the
  query, the lookups, decryption and masking), best of two;
- ``writer``: the xlsx writer alone on those rows (best of two);
- ``ui``: what the pages do, through Django's test client with tasks run inline: the
  whole ledger masked (a background export, then its download), unmasked with a
  purpose, and one community in the request (the synchronous path).

Prints one JSON object on the last line: persons, rows_per_s (the whole masked export
through the UI), seconds, the parts' figures, the pages' peak memory, and the load
average before and after (the machine is shared: figures are noisy).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
import zipfile
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


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# Phases (each runs in its own process) -------------------------------------------------


def phase_setup(persons: int) -> dict:
    django_setup()
    from django.core.management import call_command
    from django.db import transaction

    from shouwang.accounts.models import User
    from shouwang.accounts.roles import Role
    from shouwang.areas import demo as areas_demo
    from shouwang.core.demo import SIZES, DemoContext
    from shouwang.people import demo as people_demo
    from shouwang.people.models import Tag

    call_command("migrate", verbosity=0)
    for name in ["独居老人", "残疾人", "孕产妇", "婴幼儿", "低保", "慢性病"]:
        Tag.objects.get_or_create(name=name)
    SIZES["bench"] = dict(
        SIZES["seed001"],
        ledger_persons=persons,
        ledger_households=round(SEED_HOUSEHOLDS * persons / SEED_ROWS),
    )
    ctx = DemoContext(size_name="bench", rng=random.Random(2020), out=sys.stderr)
    with transaction.atomic():
        areas_demo.build(ctx)
    user = User(username="bench_hq", role=Role.HQ_ADMIN, area=ctx.subdistrict, full_name="基准")
    user.set_password("bench-password-2020")
    user.save()
    people_demo.build(ctx)
    return {}


def _ledger():
    from shouwang.accounts.models import User
    from shouwang.people.models import Person

    user = User.objects.get(username="bench_hq")
    return Person.objects.visible_to(user).current().in_address_order()


def phase_rows() -> dict:
    django_setup()
    from shouwang.core.jobs import fewer_collections
    from shouwang.people import exporting

    qs = _ledger()
    result: dict = {"persons": qs.count()}
    for kind, unmasked in (("masked", False), ("unmasked", True)):
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            with fewer_collections():
                count = sum(1 for _ in exporting.rows(qs, unmasked=unmasked))
            best = min(best, time.perf_counter() - start)
        assert count == result["persons"]
        result[f"rows_{kind}_seconds"] = round(best, 2)
        result[f"rows_{kind}_per_s"] = round(count / best)
    return result


def phase_writer() -> dict:
    django_setup()
    from shouwang.core.jobs import fewer_collections
    from shouwang.core.xlsx import workbook_bytes
    from shouwang.people import exporting

    with fewer_collections():
        rows = list(exporting.rows(_ledger(), unmasked=False))
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        with fewer_collections():
            content = workbook_bytes(exporting.HEADERS, rows, title="人员台账")
        best = min(best, time.perf_counter() - start)
    return {
        "writer_seconds": round(best, 2),
        "writer_rows_per_s": round(len(rows) / best),
        "file_mb": round(len(content) / 2**20, 1),
    }


def _download(client, response) -> bytes:
    """The export's file: in the response for a small ledger, else through its job."""
    from django.urls import reverse

    from shouwang.people.models import ExportJob

    if response.status_code == 200:
        return response.content
    assert response.status_code == 302, response.content[:2000]
    code = response["Location"].rstrip("/").split("/")[-1]
    job = ExportJob.objects.get(code=code)
    assert job.status == ExportJob.Status.DONE, (job.status, job.message)
    return b"".join(client.get(reverse("people:export_download", args=[code])).streaming_content)


def _masked(content: bytes) -> bool:
    """Whether the sheet's first rows show masked ID numbers."""
    with (
        zipfile.ZipFile(io.BytesIO(content)) as archive,
        archive.open("xl/worksheets/sheet1.xml") as sheet,
    ):
        head = sheet.read(20_000).decode("utf-8", "replace")
    return bool(re.search(r"<t>\d{6}\*{8}\d{3}[\dX]</t>", head))


def phase_ui() -> dict:
    django_setup()
    from django.test import Client
    from django.urls import reverse

    from shouwang.accounts.models import User
    from shouwang.areas.models import Area
    from shouwang.people import exporting

    user = User.objects.get(username="bench_hq")
    client = Client()
    client.force_login(user)
    persons = _ledger().count()
    result: dict = {"sync_rows_threshold": exporting.SYNC_ROWS}

    start = time.perf_counter()
    content = _download(client, client.post(reverse("people:export")))
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["rows_per_s"] = round(persons / result["seconds"])
    assert _masked(content)

    start = time.perf_counter()
    response = client.post(reverse("people:export_unmasked"), {"purpose": "基准测试：全量导出"})
    content = _download(client, response)
    result["unmasked_seconds"] = round(time.perf_counter() - start, 2)
    result["unmasked_rows_per_s"] = round(persons / result["unmasked_seconds"])
    assert not _masked(content)

    community = Area.objects.within(user.area).filter(kind=Area.Kind.COMMUNITY).first()
    in_community = _ledger().within(community).count()
    start = time.perf_counter()
    response = client.post(reverse("people:export"), {"area": community.pk})
    result["community_seconds"] = round(time.perf_counter() - start, 2)
    result["community_persons"] = in_community
    result["community_in_request"] = response.status_code == 200
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


# Driver ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = {
            "setup": lambda: phase_setup(args.persons),
            "rows": phase_rows,
            "writer": phase_writer,
            "ui": phase_ui,
        }[args.phase]()
        print(json.dumps(result))
        return

    tmp = tempfile.mkdtemp(prefix="shouwang-bench-export-")
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
    try:
        result: dict = {"db": args.db}
        started = time.perf_counter()
        run_phase(__file__, "setup", env, "--persons", str(args.persons))
        print(f"setup done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        result["load_before"] = load()
        result |= run_phase(__file__, "rows", env)
        result |= run_phase(__file__, "writer", env)
        result |= run_phase(__file__, "ui", env)
        result["load_after"] = load()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if db_name:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
