"""Benchmark: key-person figures computed on read.

Overdue slots, the 今日随访 sheet and the report figures are computed in Python from
the records and their follow-ups (no job needs to have run). This measures that cost
for a sub-district with many key persons (default 2,000 under control, 14-day periods,
~90 % of slots followed up) and compares it with the raw database read it rests on.
The schedule lines read the records as the pages do (``schedule_rows`` and the
follow-ups of the sub-district); the pages are HQ's, with their query counts. The
states of the day's slots depend on the local time, which is reported.

    .venv/bin/python bench/watch_figures.py --db sqlite|postgresql [--persons 2000]

Creates and drops its own scratch database; prints one JSON object on the last line.
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def timed(fn, repeat: int) -> float:
    """Median wall time in milliseconds."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(runs), 1)


def queries_of(fn) -> int:
    """Database queries one call of ``fn`` makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def main() -> None:
    args = parse()
    var = tempfile.mkdtemp(prefix="bench_watch_")
    os.environ["SHOUWANG_VAR"] = var
    pg_name = f"bench_watch_{os.getpid()}"
    admin_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if args.db == "postgresql":
        import psycopg

        base = admin_url.rsplit("/", 1)[0]
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = f"{base}/{pg_name}"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "shouwang.settings"
    try:
        result = run(args)
    finally:
        if args.db == "postgresql":
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
    print(json.dumps(result, ensure_ascii=False))


def run(args: argparse.Namespace) -> dict:
    import django
    from django.conf import settings

    django.setup()
    settings.STORAGES = {  # pages render without a collectstatic manifest
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from shouwang.accounts.models import User
    from shouwang.accounts.roles import Role
    from shouwang.areas import actions as area_actions
    from shouwang.areas.models import Area
    from shouwang.people.models import Person
    from shouwang.watch import figures, schedule
    from shouwang.watch.models import Category, FollowUp, KeyPerson

    call_command("migrate", verbosity=0)
    rng = random.Random(2020)
    subdistrict = area_actions.create_area(name="明湖街道", kind=Area.Kind.SUBDISTRICT, parent=None)
    communities, buildings = [], []
    for c in range(10):
        community = area_actions.create_area(
            name=f"社区{c}", kind=Area.Kind.COMMUNITY, parent=subdistrict
        )
        compound = area_actions.create_area(
            name=f"小区{c}", kind=Area.Kind.COMPOUND, parent=community
        )
        communities.append(community)
        for b in range(10):
            buildings.append(
                area_actions.create_area(
                    name=f"{b + 1}号楼", kind=Area.Kind.BUILDING, parent=compound
                )
            )
    hq = User.objects.create_user("hq", password="x", role=Role.HQ_ADMIN, area=subdistrict)
    category = Category.objects.get(name="湖北/武汉返回")
    now = timezone.now()
    today = schedule.local_day(now)

    t0 = time.perf_counter()
    persons = Person.objects.bulk_create(
        Person(area=buildings[i % len(buildings)], name=f"人员{i}") for i in range(args.persons)
    )
    records = []
    for person in persons:
        start = today - timedelta(days=rng.randint(0, 13))
        records.append(
            KeyPerson(
                person=person,
                area=person.area,
                category=category,
                source="police",
                measure="home",
                start_date=start,
                planned_end=start + timedelta(days=14),
                code=uuid.uuid4().hex[:16],
            )
        )
    records = KeyPerson.objects.bulk_create(records)
    for record in records:
        KeyPerson.objects.filter(pk=record.pk).update(
            created_at=schedule.day_start(record.start_date)
        )
    records = list(KeyPerson.objects.select_related("area"))
    followups = []
    for record in records:
        for due in schedule.due_slots(
            record, schedule.DEFAULT, first=record.start_date, last=today
        ):
            if due.deadline <= now and rng.random() < 0.9:
                followups.append(
                    FollowUp(
                        key_person=record,
                        day=due.day,
                        slot=due.slot.number,
                        method="phone",
                        client_id=uuid.uuid4(),
                    )
                )
    FollowUp.objects.bulk_create(followups, batch_size=2000)
    setup_s = round(time.perf_counter() - t0, 1)

    start, end = schedule.day_window(today)
    active = KeyPerson.objects.within(subdistrict).active()
    scope = FollowUp.objects.within(subdistrict)
    client = Client()
    client.force_login(hq)

    def overdue_3_days() -> None:
        since = schedule.day_start(today - timedelta(days=2))
        filled = schedule.filled_slots(scope, first=schedule.local_day(since), last=today)
        schedule.overdue_slots(active.schedule_rows(), now=now, since=since, filled=filled)

    def today_sheet() -> None:
        filled = schedule.filled_slots(scope, first=today, last=today)
        schedule.today_sheet(active.schedule_rows(), now=now, filled=filled)

    def raw_read() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT key_person_id, day, slot FROM watch_followup WHERE day >= %s",
                [today - timedelta(days=14)],
            )
            cursor.fetchall()

    def stats_page() -> None:
        assert client.get("/watch/stats/").status_code == 200

    def today_page() -> None:
        assert client.get("/watch/today/").status_code == 200

    def overdue_page() -> None:
        assert client.get("/watch/overdue/?days=3").status_code == 200

    def home_page() -> None:  # its 今日待办 counts the sub-district's follow-ups
        assert client.get("/").status_code == 200

    measured = {
        "figures_by_community_ms": timed(
            lambda: figures.figures_by_community(communities, start=start, end=end), args.repeat
        ),
        "overdue_3_days_ms": timed(overdue_3_days, args.repeat),
        "today_sheet_ms": timed(today_sheet, args.repeat),
        "stats_page_ms": timed(stats_page, args.repeat),
        "today_page_hq_ms": timed(today_page, args.repeat),
        "overdue_page_ms": timed(overdue_page, args.repeat),
        "home_page_hq_ms": timed(home_page, args.repeat),
        "raw_followup_read_14_days_ms": timed(raw_read, args.repeat),
    }
    return {
        "bench": "watch_figures",
        "db": args.db,
        "key_persons": len(records),
        "follow_ups": len(followups),
        "setup_s": setup_s,
        **measured,
        "stats_page_queries": queries_of(stats_page),
        "today_page_hq_queries": queries_of(today_page),
        "overdue_page_queries": queries_of(overdue_page),
        "home_page_hq_queries": queries_of(home_page),
        "local_time": timezone.localtime(now).strftime("%H:%M"),
        "repeat": args.repeat,
        "load_average": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    main()
