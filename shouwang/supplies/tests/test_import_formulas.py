"""Opening stock from Excel, formula cells: each is a problem of its row and column,
with the one message every import gives, and nothing is written."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from shouwang.core.xlsx import FORMULA_MESSAGE
from shouwang.supplies.importing import HEADERS
from shouwang.supplies.models import Balance, Movement

from .factories import item, location

pytestmark = pytest.mark.django_db


def formula_upload(row: list) -> SimpleUploadedFile:
    workbook = Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("期初.xlsx", buffer.getvalue())


@pytest.mark.parametrize(
    ("index", "cell"),
    [
        (2, "=1+1"),
        (2, ArrayFormula("C2", "=SUM(1,2)")),
        (4, ArrayFormula("E2", '=UPPER("x")')),
    ],
)
def test_a_formula_cell_is_reported_in_its_column(world, index, cell) -> None:
    item()
    location(world.subdistrict, "明湖街道仓库")
    row = ["明湖街道仓库", "医用口罩", 10, "", ""]
    row[index] = cell
    response = world.client("hq").post(reverse("supplies:import"), {"file": formula_upload(row)})
    assert response.status_code == 400
    problems = [(p.row, p.column, p.message) for p in response.context["plan"].problems]
    assert (2, HEADERS[index], FORMULA_MESSAGE) in problems
    assert all(column == HEADERS[index] for _, column, _ in problems)
    assert FORMULA_MESSAGE in response.content.decode()
    assert not Movement.objects.exists()
    assert not Balance.objects.exists()
