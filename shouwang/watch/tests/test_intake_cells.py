"""Police-list intake of cells that are not text where text is meant: a number, a
logical value, a decimal or a date as a name, and the same as a place (来源地, 现住址),
are problems of their row and column with core.xlsx's messages, and the list is refused
whole. A whole number in a place is kept, as the ledger keeps one in an address."""

from __future__ import annotations

from datetime import date

import pytest

from shouwang.core.xlsx import NOT_TEXT_MESSAGES
from shouwang.watch.intake import HEADERS
from shouwang.watch.models import Intake, KeyPerson
from shouwang.watch.tests import factories as f
from shouwang.watch.tests.test_intake import upload

pytestmark = pytest.mark.django_db


def _row(index: int, cell: object) -> list[object]:
    return f.intake_row(**{HEADERS[index]: cell})


@pytest.mark.parametrize(
    ("index", "cell", "kind"),
    [
        (0, 12345, "whole"),
        (0, True, "bool"),
        (0, 3.5, "number"),
        (0, date(2020, 3, 1), "date"),
        (4, True, "bool"),
        (4, 3.5, "number"),
        (5, False, "bool"),
        (5, 1.5, "number"),
        (5, date(2020, 3, 1), "date"),
    ],
)
def test_it_reports_a_cell_that_is_not_text_in_its_column(world, index, cell, kind) -> None:
    before = KeyPerson.objects.count()
    response = upload(world.client("staff_a"), f.intake_sheet([_row(index, cell)], HEADERS))
    assert response.status_code == 400
    problems = [(p.row, p.column, p.message) for p in response.context["plan"].problems]
    assert problems == [(2, HEADERS[index], NOT_TEXT_MESSAGES[kind])]
    assert NOT_TEXT_MESSAGES[kind] in response.content.decode()
    assert KeyPerson.objects.count() == before
    assert not Intake.objects.exists()


@pytest.mark.parametrize("index", [4, 5])
def test_it_keeps_a_whole_number_as_a_place(world, index) -> None:
    response = upload(world.client("staff_a"), f.intake_sheet([_row(index, 301)], HEADERS))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.problems == []
    row = plan.rows[0]
    assert (row.origin, row.address)[index - 4] == "301"
