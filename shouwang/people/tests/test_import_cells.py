"""Ledger import of cells that hold no text: formulas, logical values, decimals and
numbers where a name or an address belongs. Each is a problem of its row and column,
in Chinese, never a made-up "True", "3.5" or formula text in the ledger."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from shouwang.core.xlsx import FORMULA_MESSAGE, NOT_TEXT_MESSAGES, XLSX_CONTENT_TYPE
from shouwang.people.importing import TEMPLATE_HEADERS
from shouwang.people.models import Household, Person
from shouwang.people.tests.factories import template_row

ID1 = "410105199001011233"
ID2 = "41010519920304122X"


def workbook_upload(rows: list[list], headers: list[str] = TEMPLATE_HEADERS) -> SimpleUploadedFile:
    """An xlsx written by openpyxl as Excel keeps it: typed cells, real formulas."""
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("台账.xlsx", buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


def _only_second_row_imported(importer, job) -> None:
    importer.commit(job)
    assert list(Person.objects.values_list("name", flat=True)) == ["关羽"]


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
    name = cells.pop("name", "刘备")
    rows = [template_row(name, ID1, **cells), template_row("关羽", ID2, room="302")]
    job = importer.upload(workbook_upload(rows))
    problem = job.problems.get()
    assert (problem.row, problem.column, problem.message) == (2, column, FORMULA_MESSAGE)
    assert FORMULA_MESSAGE in importer.page(job)
    _only_second_row_imported(importer, job)


@pytest.mark.parametrize(
    ("cell", "message"),
    [(12345, NOT_TEXT_MESSAGES["whole"]), (3.5, NOT_TEXT_MESSAGES["number"])],
)
def test_a_number_in_the_name_column_is_refused_not_registered(world, importer, cell, message):
    rows = [template_row(cell, ID1), template_row("关羽", ID2, room="302")]
    job = importer.upload(workbook_upload(rows))
    problem = job.problems.get()
    assert (problem.row, problem.column, problem.message) == (2, "姓名", message)
    _only_second_row_imported(importer, job)


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
    rows = [template_row("刘备", ID1, **cells), template_row("关羽", ID2, room="302")]
    job = importer.upload(workbook_upload(rows))
    problem = job.problems.get()
    assert (problem.row, problem.column, problem.message) == (2, column, message)
    assert message in importer.page(job)
    _only_second_row_imported(importer, job)
    assert list(Household.objects.values_list("room", flat=True)) == ["302"]


def test_a_free_text_address_that_is_a_logical_value_is_a_row_problem(world, importer):
    rows = [["刘备", ID1, True], ["关羽", ID2, "1号楼2单元302"]]
    job = importer.upload(workbook_upload(rows, headers=["姓名", "身份证号", "住址"]))
    problem = job.problems.get()
    assert (problem.row, problem.column, problem.message) == (2, "住址", NOT_TEXT_MESSAGES["bool"])
    _only_second_row_imported(importer, job)


def test_whole_numbers_typed_as_numbers_still_make_an_address(world, importer):
    rows = [template_row("刘备", ID1, building=1, unit=2, room=301)]
    job = importer.upload(workbook_upload(rows))
    assert list(job.problems.values_list("message", flat=True)) == []
    importer.commit(job)
    household = Person.objects.get(name="刘备").household
    assert (household.area, household.unit, household.room) == (world.building_a, "2", "301")
