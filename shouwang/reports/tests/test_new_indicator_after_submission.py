"""An indicator a module starts offering after a report was submitted has no count on
that report: its 系统统计 cell says —, not 人工填报 (it is no figure the community
types in)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from shouwang.reports import actions, days
from shouwang.reports.indicators import FLOW, Indicator, extra_indicators

pytestmark = pytest.mark.django_db


def system_cell(page, label):
    found = re.search(label + r'.*?data-label="系统统计">([^<]*)</td>', page, re.DOTALL)
    assert found, label
    return found.group(1)


def test_a_count_offered_after_submission_is_not_called_manual(world, settings):
    settings.REPORT_GRACE_MINUTES = 3 * 24 * 60
    day = days.last_closed_day()
    report = actions.zero_report(
        report=actions.report_for(community=world.community_b, day=day), by=world.staff_b
    )
    later = Indicator("gates_disinfected", "消杀卡点", "处", FLOW, lambda w, cs: {})
    url = reverse("reports:report", args=[world.community_b.pk, report.day.isoformat()])
    with extra_indicators(later):
        page = world.client("staff_b").get(url).content.decode()
    assert system_cell(page, "消杀卡点（处）") == "—"
    assert system_cell(page, "新增疑似病例（例）") == "0"
