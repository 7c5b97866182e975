"""A figure corrected at submission keeps its reason in the amendment form's field.
Amended again with that reason left as it was, the figure took the old reason, not
the amendment's: the revision read 排查人员：120→130（卡点手工登记表补录） while the
community wrote 漏计东门卡点10人 as the amendment's reason."""

from __future__ import annotations

import pytest

from shouwang.reports import days
from shouwang.reports.models import DailyReport

from .pages import page_form
from .test_daily_report import ON_TIME, url

pytestmark = pytest.mark.django_db


@ON_TIME
def test_a_reason_left_as_it_was_gives_way_to_the_amendments(world):
    day = days.last_closed_day()
    client = world.client("staff_b")
    body = page_form(client.get(url("report", world.community_b, day)))
    body.update(v_persons_checked="120", r_persons_checked="卡点手工登记表补录")
    assert client.post(url("submit", world.community_b, day), body).status_code == 302
    body = page_form(client.get(url("amend", world.community_b, day)))
    assert body["r_persons_checked"] == "卡点手工登记表补录"  # the field shows it
    body.update(v_persons_checked="130", reason="漏计东门卡点10人")
    assert client.post(url("amend", world.community_b, day), body).status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=day)
    stored = {v.code: (v.value, v.reason) for v in report.values.all()}
    assert stored["persons_checked"] == (130, "漏计东门卡点10人")
    changes = report.revisions.last().changes
    assert [(c["code"], c["reason"]) for c in changes] == [("persons_checked", "漏计东门卡点10人")]


@ON_TIME
def test_a_reason_rewritten_stays_the_figures_own(world):
    day = days.last_closed_day()
    client = world.client("staff_b")
    body = page_form(client.get(url("report", world.community_b, day)))
    body.update(v_persons_checked="120", r_persons_checked="卡点手工登记表补录")
    client.post(url("submit", world.community_b, day), body)
    body = page_form(client.get(url("amend", world.community_b, day)))
    body.update(v_persons_checked="130", r_persons_checked="东门登记表另有10人", reason="复核")
    assert client.post(url("amend", world.community_b, day), body).status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=day)
    assert report.values.get(code="persons_checked").reason == "东门登记表另有10人"
