"""Ledger import of logical values and decimals where words belong (备注, 标签,
与户主关系, 居住类型, 房屋类型): a problem of the row and column with core.xlsx's
message, never "True" or "3.5" in the ledger. A whole number or a date in a note is
what was meant, and kept."""

from datetime import date

import pytest

from shouwang.core.xlsx import NOT_TEXT_MESSAGES
from shouwang.people.models import Person
from shouwang.people.tests.factories import ID1, ID2, template_row, workbook_upload


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"notes": True}, "备注", NOT_TEXT_MESSAGES["bool"]),
        ({"notes": 3.5}, "备注", NOT_TEXT_MESSAGES["number"]),
        ({"tags": False}, "标签", NOT_TEXT_MESSAGES["bool"]),
        ({"tags": 2.5}, "标签", NOT_TEXT_MESSAGES["number"]),
        ({"relation": True}, "与户主关系", NOT_TEXT_MESSAGES["bool"]),
        ({"residence_type": 1.5}, "居住类型", NOT_TEXT_MESSAGES["number"]),
        ({"housing_type": True}, "房屋类型", NOT_TEXT_MESSAGES["bool"]),
    ],
)
def test_a_logical_value_or_decimal_where_words_belong_is_a_row_problem(
    world, importer, cells, column, message
):
    problem = importer.refused_row(**cells)
    assert (problem.row, problem.column, problem.message) == (2, column, message)


@pytest.mark.parametrize(("cell", "notes"), [(12, "12"), (date(2020, 1, 23), "2020-01-23")])
def test_a_whole_number_or_date_in_a_note_is_kept(world, importer, cell, notes):
    job = importer.upload(workbook_upload([template_row("刘备", ID1, notes=cell)]))
    assert list(job.problems.values_list("message", flat=True)) == []
    importer.commit(job)
    assert Person.objects.get(name="刘备").notes == notes


def test_a_logical_value_in_the_party_column_still_means_yes_or_no(world, importer):
    rows = [
        template_row("刘备", ID1, party_member=True),
        template_row("关羽", ID2, room="302", party_member=False),
    ]
    job = importer.upload(workbook_upload(rows))
    assert list(job.problems.values_list("message", flat=True)) == []
    importer.commit(job)
    assert dict(Person.objects.values_list("name", "party_member")) == {
        "刘备": True,
        "关羽": False,
    }


def test_the_rows_other_columns_are_still_checked(world, importer):
    rows = [template_row("刘备", ID1, notes=True, tags="不存在的标签")]
    job = importer.upload(workbook_upload(rows))
    problems = sorted(job.problems.values_list("column", "message"))
    assert problems == [
        ("备注", NOT_TEXT_MESSAGES["bool"]),
        ("标签", "标签“不存在的标签”不在标签列表中，请先由指挥部添加"),
    ]
