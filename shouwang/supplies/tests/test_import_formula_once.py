"""Opening stock from Excel: a formula cell is said once, with core.xlsx's formula
message (as the people import says it), not also as a bad quantity."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from shouwang.core.xlsx import FORMULA_MESSAGE
from shouwang.supplies.importing import HEADERS
from shouwang.supplies.models import Movement

from .factories import item, location

pytestmark = pytest.mark.django_db


def _upload(*rows: list) -> SimpleUploadedFile:
    workbook = Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("期初.xlsx", buffer.getvalue())


@pytest.mark.parametrize("cell", ["=5*20", ArrayFormula("C2", "=SUM(1,2)")])
def test_a_formula_quantity_is_one_problem_with_the_formula_message(world, cell) -> None:
    item()
    location(world.subdistrict, "明湖街道仓库")
    upload = _upload(
        ["明湖街道仓库", "医用口罩", cell, "", ""],
        ["明湖街道仓库", "防护服", "abc", "", ""],
    )
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload})
    assert response.status_code == 400
    problems = [(p.row, p.column, p.message) for p in response.context["plan"].problems]
    assert problems == [(2, "数量", FORMULA_MESSAGE), (3, "数量", "应为正整数")]
    page = response.content.decode()
    assert page.count(FORMULA_MESSAGE) == 1
    assert not Movement.objects.exists()
