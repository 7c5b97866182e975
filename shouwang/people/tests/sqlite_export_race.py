"""Run as ``python -m shouwang.people.tests.sqlite_export_race``: a background ledger
export against a file-based SQLite database configured as in production (WAL, ``BEGIN
IMMEDIATE``, busy timeout) while someone else saves a change, as happens all day on a
live system. The suite's in-memory database cannot show how a long read and another
connection's writes meet; this script can. Prints one JSON object."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading


def main(persons: int = 2500) -> dict:
    os.environ.pop("DATABASE_URL", None)
    os.environ["SHOUWANG_VAR"] = tempfile.mkdtemp(prefix="shouwang-export-race-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from shouwang.accounts.models import User
    from shouwang.areas.actions import create_area
    from shouwang.people import exporting
    from shouwang.people.models import ExportJob, Household, Person

    call_command("migrate", verbosity=0)
    district = create_area(name="示范区", kind="district", parent=None)
    subdistrict = create_area(name="明湖街道", kind="subdistrict", parent=district)
    community = create_area(name="西城社区", kind="community", parent=subdistrict)
    compound = create_area(name="西城花园", kind="compound", parent=community)
    building = create_area(name="1号楼", kind="building", parent=compound)
    user = User.objects.create(username="hq", role="hq_admin", area=subdistrict)
    home = Household.objects.create(area=building, unit="1", room="101")
    Person.objects.bulk_create(
        Person(household=home, area=building, name=f"居民{i}") for i in range(persons)
    )
    job = ExportJob.objects.create(area=subdistrict, created_by=user, total_rows=persons)

    # Someone saves a change on another connection (another request, the worker's
    # heartbeat) while the export has read its first rows and before it saves progress.
    def other_writer() -> None:
        try:
            Household.objects.filter(pk=home.pk).update(notes="有人改了备注")
        finally:
            connection.close()

    saves = 0
    save_progress = exporting.save_progress

    def write_first(job: ExportJob, **fields) -> None:
        nonlocal saves
        saves += 1
        if "written_rows" in fields and saves == 2:  # the first progress figure
            writer = threading.Thread(target=other_writer)
            writer.start()
            writer.join()
        save_progress(job, **fields)

    exporting.save_progress = write_first
    exporting.Ticker.due = lambda self: True
    error = ""
    try:
        exporting.run(job)
    except Exception as exc:  # what the worker would log
        error = f"{type(exc).__name__}: {exc}"
    job.refresh_from_db()
    return {
        "engine": connection.vendor,
        "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
        "status": job.status,
        "written_rows": job.written_rows,
        "error": error,
    }


if __name__ == "__main__":
    print(json.dumps(main(*(int(a) for a in sys.argv[1:])), ensure_ascii=False))
