"""Police-list intake of logical values, decimals and dates in the columns of codes and
choices (证件号码, 手机号, 社区, 证件类型): a problem of the row and column with
core.xlsx's message, which says what the cell holds — never "True" or "3.5" quoted
as if it were typed ("“True”不是您辖区内的社区") — and the list is refused whole."""

from __future__ import annotations

from datetime import date

import pytest

from shouwang.core.xlsx import NOT_TEXT_MESSAGES
from shouwang.watch.intake import HEADERS
from shouwang.watch.models import Intake, KeyPerson
from shouwang.watch.tests import factories as f
from shouwang.watch.tests.test_intake import upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("column", ["证件号码", "手机号", "社区", "证件类型"])
@pytest.mark.parametrize(
    ("cell", "kind"), [(True, "bool"), (3.5, "number"), (date(2020, 3, 1), "date")]
)
def test_a_cell_that_is_not_text_says_what_it_holds(world, column, cell, kind) -> None:
    before = KeyPerson.objects.count()
    sheet = f.intake_sheet([f.intake_row(**{column: cell})], HEADERS)
    response = upload(world.client("staff_a"), sheet)
    assert response.status_code == 400
    problems = [(p.row, p.column, p.message) for p in response.context["plan"].problems]
    assert problems == [(2, column, NOT_TEXT_MESSAGES[kind])]
    assert NOT_TEXT_MESSAGES[kind] in response.content.decode()
    assert KeyPerson.objects.count() == before
    assert not Intake.objects.exists()


def test_a_phone_stored_as_a_whole_number_is_still_a_phone(world) -> None:
    sheet = f.intake_sheet([f.intake_row(手机号=13812345678)], HEADERS)
    response = upload(world.client("staff_a"), sheet)
    assert response.status_code == 200
    assert response.context["plan"].rows[0].phone == "13812345678"
