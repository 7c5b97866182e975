"""The day's xlsx carries each submitted report's 情况说明, neutralised like every
text cell (a note typed as a formula is not run by the spreadsheet)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.reports.rollup import rollup

from .test_daily_report import ON_TIME, form, full, url

pytestmark = pytest.mark.django_db


def sheet(world, day):
    response = world.client("hq").get(reverse("reports:export"), {"day": day.isoformat()})
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@ON_TIME
def test_the_days_xlsx_has_each_reports_note(world, day):
    values = full({"households_expected": 4})
    body = form(values, note="东区卡点夜间增派2人")
    assert (
        world.client("staff_b").post(url("submit", world.community_b, day), body).status_code == 302
    )
    body = form(full({}), note='=HYPERLINK("http://x","点此")')
    assert (
        world.client("staff_a").post(url("submit", world.community_a, day), body).status_code == 302
    )
    rollup(day)
    rows = sheet(world, day)
    note = rows[0].index("情况说明")
    by_name = {row[2]: row for row in rows[1:-1]}
    assert by_name["八一社区"][note] == "东区卡点夜间增派2人"
    assert by_name["西城社区"][note] == '\'=HYPERLINK("http://x","点此")'


def test_a_draft_note_is_not_in_the_xlsx(world, day):
    world.client("staff_b").post(
        url("report", world.community_b, day), form(full({"households_expected": 4}), note="草稿")
    )
    rollup(day)
    rows = sheet(world, day)
    note = rows[0].index("情况说明")
    assert all(len(row) <= note or row[note] in (None, "") for row in rows[1:])
