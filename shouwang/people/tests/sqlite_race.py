"""Run as ``python -m shouwang.people.tests.sqlite_race``: threads register the same
resident's ID number at once against a file-based SQLite database configured exactly
as in production (WAL, ``BEGIN IMMEDIATE``, busy timeout). The test suite's SQLite
database is in memory with a shared cache, where a second writer fails at once instead
of waiting, so it cannot show how production behaves; this script can. Prints one JSON
object."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from datetime import date


def main(workers: int = 6) -> dict:
    os.environ.pop("DATABASE_URL", None)
    os.environ["SHOUWANG_VAR"] = tempfile.mkdtemp(prefix="shouwang-race-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.settings")
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import connection

    from shouwang.accounts.models import User
    from shouwang.areas.actions import create_area
    from shouwang.people.actions import create_household, create_person
    from shouwang.people.documents import compose_id_card
    from shouwang.people.models import Person

    call_command("migrate", verbosity=0)
    district = create_area(name="示范区", kind="district", parent=None)
    subdistrict = create_area(name="明湖街道", kind="subdistrict", parent=district)
    community = create_area(name="西城社区", kind="community", parent=subdistrict)
    compound = create_area(name="西城花园", kind="compound", parent=community)
    building = create_area(name="1号楼", kind="building", parent=compound)
    user = User.objects.create(username="staff", role="community_staff", area=community)
    homes = [
        create_household(area=building, fields={"room": str(101 + i)}, by=user)
        for i in range(workers)
    ]
    number = compose_id_card("410105", date(1990, 1, 1), 123)
    connection.close()

    barrier = threading.Barrier(workers)
    outcomes: list[str] = [""] * workers

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            create_person(
                household=homes[i],
                name="王同时",
                doc_type="id_card",
                doc_number=number,
                by=user,
            )
            outcomes[i] = "created"
        except ValidationError as exc:
            outcomes[i] = "refused" if "该证件号码已登记" in exc.messages[0] else repr(exc)
        except Exception as exc:  # reported, and the test fails on it
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return {
        "engine": connection.vendor,
        "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
        "outcomes": outcomes,
        "rows": Person.objects.with_document(number).count(),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()) + "\n")
