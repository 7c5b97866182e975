"""Ledger import of cells that hold no text: formulas, logical values, decimals and
numbers where a name or an address belongs. Each is a problem of its row and column,
in Chinese, never a made-up "True", "3.5" or formula text in the ledger."""

import pytest
from openpyxl.worksheet.formula import ArrayFormula

from shouwang.core.xlsx import FORMULA_MESSAGE, NOT_TEXT_MESSAGES
from shouwang.people.models import Household, Person
from shouwang.people.tests.factories import ID1, ID2, template_row, workbook_upload


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"name": '=HYPERLINK("http://x","点我")'}, "姓名"),
        ({"name": ArrayFormula("A2", '=UPPER("liu")')}, "姓名"),
        ({"room": "=300+1"}, "房号"),
        ({"notes": ArrayFormula("N2", "=1+1")}, "备注"),
    ],
)
def test_a_formula_cell_is_reported_in_its_column_with_the_one_message(
    world, importer, cells, column
):
    problem = importer.refused_row(**cells)
    assert (problem.row, problem.column, problem.message) == (2, column, FORMULA_MESSAGE)


@pytest.mark.parametrize(
    ("cell", "message"),
    [(12345, NOT_TEXT_MESSAGES["whole"]), (3.5, NOT_TEXT_MESSAGES["number"])],
)
def test_a_number_in_the_name_column_is_refused_not_registered(world, importer, cell, message):
    problem = importer.refused_row(name=cell)
    assert (problem.row, problem.column, problem.message) == (2, "姓名", message)


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"building": True}, "楼栋", NOT_TEXT_MESSAGES["bool"]),
        ({"unit": False}, "单元", NOT_TEXT_MESSAGES["bool"]),
        ({"room": 3.5}, "房号", NOT_TEXT_MESSAGES["number"]),
        ({"compound": 2.25}, "小区", NOT_TEXT_MESSAGES["number"]),
    ],
)
def test_an_address_cell_that_is_a_logical_value_or_a_decimal_is_a_row_problem(
    world, importer, cells, column, message
):
    problem = importer.refused_row(**cells)
    assert (problem.row, problem.column, problem.message) == (2, column, message)
    assert list(Household.objects.values_list("room", flat=True)) == ["302"]


def test_a_free_text_address_that_is_a_logical_value_is_a_row_problem(world, importer):
    rows = [["刘备", ID1, True], ["关羽", ID2, "1号楼2单元302"]]
    job = importer.upload(workbook_upload(rows, headers=["姓名", "身份证号", "住址"]))
    problem = job.problems.get()
    assert (problem.row, problem.column, problem.message) == (2, "住址", NOT_TEXT_MESSAGES["bool"])
    importer.commit(job)
    assert list(Person.objects.values_list("name", flat=True)) == ["关羽"]


def test_whole_numbers_typed_as_numbers_still_make_an_address(world, importer):
    rows = [template_row("刘备", ID1, building=1, unit=2, room=301)]
    job = importer.upload(workbook_upload(rows))
    assert list(job.problems.values_list("message", flat=True)) == []
    importer.commit(job)
    household = Person.objects.get(name="刘备").household
    assert (household.area, household.unit, household.room) == (world.building_a, "2", "301")
