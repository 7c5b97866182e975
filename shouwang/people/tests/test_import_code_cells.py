"""Ledger import of logical values, decimals and dates in the columns of codes (证件类型,
证件号码, 手机号): a problem of the row and column with core.xlsx's message, which says
what the cell holds — never "True", "3.5" or "2020-03-01" quoted as if it were typed.
A date in an address column gets the same message as in the police-list intake."""

from datetime import date, datetime

import pytest

from shouwang.core.xlsx import NOT_TEXT_MESSAGES
from shouwang.people.models import Person
from shouwang.people.tests.factories import ID1, template_row, workbook_upload

DATE = date(2020, 3, 1)


@pytest.mark.parametrize(
    ("cells", "column", "kind"),
    [
        ({"doc_type": True}, "证件类型", "bool"),
        ({"doc_type": 3.5}, "证件类型", "number"),
        ({"doc_type": DATE}, "证件类型", "date"),
        ({"doc": True}, "证件号码", "bool"),
        ({"doc": 3.5}, "证件号码", "number"),
        ({"doc": DATE}, "证件号码", "date"),
        ({"phone": False}, "手机号", "bool"),
        ({"phone": 3.5}, "手机号", "number"),
        ({"phone": DATE}, "手机号", "date"),
    ],
)
def test_a_code_cell_that_is_not_text_says_what_the_cell_holds(
    world, importer, cells, column, kind
):
    problem = importer.refused_row(**cells)
    assert (problem.row, problem.column, problem.message) == (2, column, NOT_TEXT_MESSAGES[kind])


@pytest.mark.parametrize(
    ("cells", "column"),
    [({"room": datetime(2026, 3, 1)}, "房号"), ({"building": DATE}, "楼栋")],
)
def test_a_date_in_an_address_column_gets_the_one_date_message(world, importer, cells, column):
    problem = importer.refused_row(**cells)
    assert (problem.row, problem.column, problem.message) == (2, column, NOT_TEXT_MESSAGES["date"])


def test_a_date_as_a_free_text_address_gets_the_one_date_message(world, importer):
    rows = [["张飞", ID1, date(2001, 2, 3)]]
    job = importer.upload(workbook_upload(rows, headers=["姓名", "身份证号", "住址"]))
    problem = job.problems.get()
    assert (problem.row, problem.column, problem.message) == (2, "住址", NOT_TEXT_MESSAGES["date"])
    assert NOT_TEXT_MESSAGES["date"] in importer.page(job)


def test_a_phone_stored_as_a_whole_number_is_still_a_phone(world, importer):
    job = importer.upload(workbook_upload([template_row("刘备", ID1, phone=13812345678)]))
    assert list(job.problems.values_list("message", flat=True)) == []
    importer.commit(job)
    assert Person.objects.get(name="刘备").phone_last4 == "5678"


def test_the_rows_other_codes_are_still_checked(world, importer):
    job = importer.upload(workbook_upload([template_row("刘备", ID1, doc_type=True, phone="123")]))
    problems = dict(job.problems.values_list("column", "message"))
    assert problems.keys() == {"证件类型", "手机号"}
    assert problems["证件类型"] == NOT_TEXT_MESSAGES["bool"]
    # The message's own example is not a number the problem list masks as personal data.
    assert problems["手机号"] == "手机号应为11位大陆手机号码（1开头的11位数字）"
