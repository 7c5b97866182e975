"""Run as ``python -m shouwang.people.tests.sqlite_export_race``: a background ledger
export against a file-based SQLite database configured as in production (WAL, ``BEGIN
IMMEDIATE``, busy timeout; ``core.tests.sqlite_file``) while someone else saves a
change, as happens all day on a live system (``core.tests.races.at_once``: the other
writer's outcome, the rows it updated or the error it met, is reported). Prints one
JSON object."""

from __future__ import annotations

import json
import sys

from shouwang.core.tests.sqlite_file import journal_mode, production_sqlite, tree


def main(persons: int = 2500) -> dict:
    production_sqlite("shouwang-export-race-")
    from django.db import connection

    from shouwang.accounts.models import User
    from shouwang.core.tests.races import at_once
    from shouwang.people import exporting
    from shouwang.people.models import ExportJob, Household, Person

    nodes = tree()
    subdistrict, building = nodes["subdistrict"], nodes["building"]
    user = User.objects.create(username="hq", role="hq_admin", area=subdistrict)
    home = Household.objects.create(area=building, unit="1", room="101")
    Person.objects.bulk_create(
        Person(household=home, area=building, name=f"居民{i}", relation="other")
        for i in range(persons)
    )
    job = ExportJob.objects.create(area=subdistrict, created_by=user, total_rows=persons)

    # Someone saves a change on another connection (another request, the worker's
    # heartbeat) while the export has read its first rows and before it saves progress.
    def other_writer(_: int) -> int:
        return Household.objects.filter(pk=home.pk).update(notes="有人改了备注")

    saves = 0
    other_saved: list[object] = []
    save_progress = exporting.save_progress

    def write_first(job: ExportJob, **fields) -> None:
        nonlocal saves
        saves += 1
        if "written_rows" in fields and saves == 2:  # the first progress figure
            other_saved.extend(at_once(1, other_writer))
        save_progress(job, **fields)

    exporting.save_progress = write_first
    exporting.Ticker.due = lambda self: True
    error = ""
    try:
        exporting.run(job)
    except Exception as exc:  # what the worker would log
        error = f"{type(exc).__name__}: {exc}"
    job.refresh_from_db()
    home.refresh_from_db()
    return {
        "engine": connection.vendor,
        "journal_mode": journal_mode(),
        "status": job.status,
        "written_rows": job.written_rows,
        "error": error,
        "other_saved": [repr(outcome) for outcome in other_saved],
        "notes": home.notes,
    }


if __name__ == "__main__":
    print(json.dumps(main(*(int(a) for a in sys.argv[1:])), ensure_ascii=False))
