"""A police-list row matched by document number to a ledger person of another name:
the number may be mistyped and name someone else, whose record would be opened and
whose phone number replaced. The preview says so on the row, as it does for a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.watch.intake import HEADERS
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def preview(world, name: str) -> str:
    known = f.person(world.building_a, "陈一")
    arrived = timezone.localdate() - timedelta(days=2)
    sheet = f.intake_sheet(
        [f.intake_row(姓名=name, 证件号码=known.document_number, 抵达日期=arrived)],
        HEADERS,
    )
    response = world.client("staff_a").post(
        reverse("watch:intake"),
        {"file": sheet, "category": f.category().pk, "measure": "home"},
    )
    assert response.status_code == 200
    [row] = response.context["plan"].rows
    assert row.outcome == "found"
    return response.content.decode()


def test_a_row_naming_someone_else_than_the_ledger_says_whom_the_number_matched(world) -> None:
    page = preview(world, "陈三")
    assert "台账中此证件号码为“陈一”，与名单姓名不同，请核对" in page


@pytest.mark.parametrize("name", ["陈一", "陈 一", " 陈一　"])
def test_the_same_name_however_spaced_says_nothing(world, name) -> None:
    assert "与名单姓名不同" not in preview(world, name)
