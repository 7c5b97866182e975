"""Tree import of formula cells: a problem of their row and column, with the one
message every import gives, and nothing is created."""

from __future__ import annotations

import pytest
from openpyxl.worksheet.formula import ArrayFormula

from shouwang.areas.models import Area
from shouwang.areas.tests.test_import import problems, upload, xlsx
from shouwang.core.tests.personas import World
from shouwang.core.xlsx import FORMULA_MESSAGE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("index", "column", "cell"),
    [
        (5, "应有户数", "=SUM(1,2)"),
        (5, "应有户数", ArrayFormula("F2", "=SUM(1,2)")),
        (4, "楼栋", '=CONCAT("9","号楼")'),
        (4, "楼栋", ArrayFormula("E2", '=CONCAT("9","号楼")')),
    ],
)
def test_a_formula_cell_is_a_row_problem(world: World, index, column, cell) -> None:
    row = ["", "", "西城社区", "新华小区", "9号楼", 24]
    row[index] = cell
    response = upload(world.client("hq"), xlsx([row]))
    assert response.status_code == 400
    assert problems(response) == [(2, column, FORMULA_MESSAGE)]
    assert not Area.objects.filter(name="新华小区").exists()
