"""Run as ``python -m shouwang.people.tests.sqlite_race``: threads register the same
resident's ID number at once against a file-based SQLite database configured as in
production (``core.tests.sqlite_file``). Prints one JSON object."""

from __future__ import annotations

import json
import sys
from datetime import date

from shouwang.core.tests.sqlite_file import journal_mode, outcomes, production_sqlite, tree


def main(workers: int = 6) -> dict:
    production_sqlite("shouwang-race-")
    from django.db import connection

    from shouwang.accounts.models import User
    from shouwang.people.actions import create_household, create_person
    from shouwang.people.documents import compose_id_card
    from shouwang.people.models import Person

    nodes = tree()
    user = User.objects.create(username="staff", role="community_staff", area=nodes["community"])
    homes = [
        create_household(area=nodes["building"], fields={"room": str(101 + i)}, by=user)
        for i in range(workers)
    ]
    number = compose_id_card("410105", date(1990, 1, 1), 123)

    def register(i: int) -> str:
        create_person(
            household=homes[i], name="王同时", doc_type="id_card", doc_number=number, by=user
        )
        return "created"

    results = outcomes(workers, register, refusal="该证件号码已登记")
    return {
        "engine": connection.vendor,
        "journal_mode": journal_mode(),
        "outcomes": results,
        "rows": Person.objects.with_document(number).count(),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()) + "\n")
