"""Run as ``python -m shouwang.supplies.tests.sqlite_race``: threads issue the last
units against a file-based SQLite database configured exactly as in production (WAL,
``BEGIN IMMEDIATE``, busy timeout). The test suite's SQLite database is in memory with
a shared cache, where a second writer fails at once instead of waiting, so it cannot
show how production behaves; this script can. Prints one JSON object."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading


def main(workers: int = 6, stock: int = 7, take: int = 2) -> dict:
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
    from shouwang.supplies.actions import receive_stock, record_out
    from shouwang.supplies.models import Balance, Item, Location, Movement

    call_command("migrate", verbosity=0)
    district = create_area(name="示范区", kind="district", parent=None)
    subdistrict = create_area(name="明湖街道", kind="subdistrict", parent=district)
    community = create_area(name="西城社区", kind="community", parent=subdistrict)
    user = User.objects.create(username="staff", role="community_staff", area=community)
    store = Location.objects.create(name="西城社区库房", kind="community", area=community)
    masks = Item.objects.get(name="医用口罩")
    receive_stock(item=masks, location=store, quantity=stock, by=user)
    connection.close()

    barrier = threading.Barrier(workers)
    outcomes: list[str] = [""] * workers

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            record_out(item=masks, location=store, quantity=take, kind="issue", by=user)
            outcomes[i] = "issued"
        except ValidationError as exc:
            outcomes[i] = "refused" if "库存不足" in exc.messages[0] else repr(exc)
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
        "balance": Balance.objects.get(item=masks, location=store).quantity,
        "ledger_sum": Movement.objects.filter(location=store).total(),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()) + "\n")
