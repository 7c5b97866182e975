"""Run as ``python -m shouwang.supplies.tests.sqlite_race``: threads issue the last
units at once against a file-based SQLite database configured as in production
(``core.tests.sqlite_file``). Prints one JSON object."""

from __future__ import annotations

import json
import sys

from shouwang.core.tests.sqlite_file import journal_mode, outcomes, production_sqlite, tree


def main(workers: int = 6, stock: int = 7, take: int = 2) -> dict:
    production_sqlite("shouwang-race-")
    from django.db import connection

    from shouwang.accounts.models import User
    from shouwang.supplies.actions import receive_stock
    from shouwang.supplies.models import Balance, Item, Location, Movement
    from shouwang.supplies.tests.factories import record_out

    community = tree()["community"]
    user = User.objects.create(username="staff", role="community_staff", area=community)
    store = Location.objects.create(name="西城社区库房", kind="community", area=community)
    masks = Item.objects.get(name="医用口罩")
    receive_stock(item=masks, location=store, quantity=stock, by=user)

    def issue(i: int) -> str:
        record_out(item=masks, location=store, quantity=take, kind="issue", by=user)
        return "issued"

    results = outcomes(workers, issue, refusal="库存不足")
    return {
        "engine": connection.vendor,
        "journal_mode": journal_mode(),
        "outcomes": results,
        "balance": Balance.objects.get(item=masks, location=store).quantity,
        "ledger_sum": Movement.objects.filter(location=store).total(),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()) + "\n")
