"""Dates in what is kept: the audit log's name of a daily report and the day sheet's
tab carry the year (03-10, 0310 would be any year's)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from shouwang.reports.rollup import rollup

from .data import MOVED_DAY

pytestmark = pytest.mark.django_db


def test_the_audit_log_names_a_report_with_its_year(now, world, post_zero):
    assert post_zero(world.client("staff_b"), world.community_b, MOVED_DAY).status_code == 302
    page = world.client("auditor").get(reverse("accounts:audit")).content.decode()
    assert f"{world.community_b.name} 2026年3月10日日报" in page
    assert "03-10" not in page


def test_the_day_sheet_tab_carries_the_year(now, world):
    rollup(MOVED_DAY)
    response = world.client("hq").get(
        reverse("reports:export"), {"area": world.subdistrict.pk, "day": MOVED_DAY.isoformat()}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.active.title == "2026年3月10日日报"
