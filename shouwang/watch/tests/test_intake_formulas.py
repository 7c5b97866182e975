"""Police-list intake of formula cells: each is a problem of its row and column, with
the one message every import gives, and the list is refused whole."""

from __future__ import annotations

import pytest
from openpyxl.worksheet.formula import ArrayFormula

from shouwang.core.xlsx import FORMULA_MESSAGE
from shouwang.watch.intake import HEADERS
from shouwang.watch.models import Intake, KeyPerson
from shouwang.watch.tests import factories as f
from shouwang.watch.tests.test_intake import upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("index", "cell"),
    [
        (0, '=HYPERLINK("http://x","点我")'),
        (0, ArrayFormula("A2", '=UPPER("chen")')),
        (4, "=A1"),
        (5, ArrayFormula("F2", "=1+1")),
    ],
)
def test_a_formula_cell_is_reported_in_its_column(world, index, cell) -> None:
    row = f.intake_row(**{HEADERS[index]: cell})
    before = KeyPerson.objects.count()
    response = upload(world.client("staff_a"), f.intake_sheet([row], HEADERS))
    assert response.status_code == 400
    problems = [(p.row, p.column, p.message) for p in response.context["plan"].problems]
    assert problems == [(2, HEADERS[index], FORMULA_MESSAGE)]
    assert FORMULA_MESSAGE in response.content.decode()
    assert KeyPerson.objects.count() == before
    assert not Intake.objects.exists()
