"""Before the cutoff the system's counts move while the report page is open (a check-in,
a household registered): a figure left at the count the page showed follows the
count, as a saved draft's does — saving the draft is not refused as a correction
without a reason."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from shouwang.reports import actions, days
from shouwang.reports.models import DailyReport

from . import data
from .pages import page_form

pytestmark = pytest.mark.django_db


def test_a_draft_saved_after_a_count_moved_follows_the_count(world):
    today = days.open_day()
    url = reverse("reports:report", args=[world.community_b.pk, today.isoformat()])
    client = world.client("staff_b")
    body = page_form(client.get(url))
    body["v_households_expected"] = 4
    data.household(world.building_b, persons=2)  # registered while the page is open
    response = client.post(url, body)
    assert response.status_code == 302, response.content.decode()[-3000:]
    report = DailyReport.objects.get(community=world.community_b, day=today)
    saved = report.values.get(code="households_registered")
    assert (saved.auto_value, saved.value, saved.reason) == (1, 1, "")


def test_a_figure_typed_over_the_count_is_still_a_correction(world):
    today = days.open_day()
    url = reverse("reports:report", args=[world.community_b.pk, today.isoformat()])
    client = world.client("staff_b")
    body = page_form(client.get(url))
    body.update({"v_households_expected": 4, "v_households_registered": 3})
    data.household(world.building_b, persons=2)
    response = client.post(url, body)
    assert response.status_code == 400
    assert "与系统统计（1）不一致，请填写更正原因" in response.content.decode()


@override_settings(REPORT_GRACE_MINUTES=3 * 24 * 60)
def test_a_form_without_the_counts_shown_is_checked_as_before(world):
    """A client that does not send the counts it showed (a script) gets the strict check."""
    today = days.open_day()
    url = reverse("reports:report", args=[world.community_b.pk, today.isoformat()])
    client = world.client("staff_b")
    body = {k: v for k, v in page_form(client.get(url)).items() if not k.startswith("a_")}
    body["v_households_expected"] = 4
    data.household(world.building_b, persons=2)
    assert client.post(url, body).status_code == 400


@pytest.mark.parametrize("shown", ["x", "-1", "٣", "9" * 5000, "1.5"])
def test_a_count_shown_that_is_no_number_is_ignored(world, shown):
    today = days.open_day()
    url = reverse("reports:report", args=[world.community_b.pk, today.isoformat()])
    client = world.client("staff_b")
    body = page_form(client.get(url))
    body.update({"v_households_expected": 4, "a_households_registered": shown})
    assert client.post(url, body).status_code == 302


def test_saving_a_draft_after_a_count_moved_says_which_counts_moved(world):
    today = days.open_day()
    url = reverse("reports:report", args=[world.community_b.pk, today.isoformat()])
    client = world.client("staff_b")
    body = page_form(client.get(url))
    body["v_households_expected"] = 4
    data.household(world.building_b, persons=2)
    response = client.post(url, body, follow=True)
    page = response.content.decode()
    assert "已暂存，尚未上报" in page
    assert "打开页面后系统统计有更新，未改动的数字已按最新统计暂存" in page
    assert "已登记户数 0→1" in page
    assert "已登记人数 0→2" in page
    form = response.context["form"]
    assert form["v_households_registered"].value() == 1


def test_a_draft_saved_without_moved_counts_says_nothing_of_them(world):
    today = days.open_day()
    url = reverse("reports:report", args=[world.community_b.pk, today.isoformat()])
    client = world.client("staff_b")
    body = page_form(client.get(url))
    body["v_households_expected"] = 4
    page = client.post(url, body, follow=True).content.decode()
    assert "已暂存，尚未上报" in page
    assert "系统统计有更新" not in page


def test_the_action_follows_a_count_that_moved_after_the_form_was_checked(world):
    """The count moves between the form's check and the draft's write (another
    request committed in between): the action, under its lock, still follows it."""
    today = days.open_day()
    report = actions.report_for(community=world.community_b, day=today)
    shown = {line.code: line.auto for line in actions.lines(report) if line.auto is not None}
    values = {line.code: line.value for line in actions.lines(report) if line.value is not None}
    values["households_expected"] = 4
    data.household(world.building_b, persons=2)
    draft = actions.save_draft(
        community=world.community_b,
        day=today,
        values=values,
        reasons={},
        shown=shown,
        note="",
        by=world.staff_b,
    )
    saved = draft.report.values.get(code="households_registered")
    assert (saved.auto_value, saved.value, saved.reason) == (1, 1, "")
    assert {(m.code, m.shown, m.counted) for m in draft.moved} >= {
        ("households_registered", 0, 1),
        ("persons_registered", 0, 2),
    }


def test_a_figure_left_at_the_count_with_a_reason_is_kept_as_typed(world):
    """A figure the community gave with a reason is its own, even when it was the
    count the page showed: the count moving does not replace it."""
    today = days.open_day()
    url = reverse("reports:report", args=[world.community_b.pk, today.isoformat()])
    client = world.client("staff_b")
    body = page_form(client.get(url))
    body.update({"v_households_expected": 4, "r_households_registered": "实地核实仍为0户"})
    data.household(world.building_b, persons=2)
    assert client.post(url, body).status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=today)
    saved = report.values.get(code="households_registered")
    assert (saved.auto_value, saved.value, saved.reason) == (1, 0, "实地核实仍为0户")


def test_a_form_sent_back_with_errors_shows_the_moved_count(world):
    """Refused for another figure, the page shows the count as it is now in place of
    the one left untouched, saying so; sent again, it is saved without a reason."""
    today = days.open_day()
    url = reverse("reports:report", args=[world.community_b.pk, today.isoformat()])
    client = world.client("staff_b")
    body = page_form(client.get(url))
    body["v_households_expected"] = ""
    data.household(world.building_b, persons=2)
    response = client.post(url, body)
    assert response.status_code == 400
    page = response.content.decode()
    assert "打开页面后系统统计有更新，未改动的数字已改为最新统计：已登记户数 0→1" in page
    assert "请填写更正原因" not in page
    again = page_form(response)
    assert again["v_households_registered"] == "1"
    again["v_households_expected"] = 4
    assert client.post(url, again).status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=today)
    saved = report.values.get(code="households_registered")
    assert (saved.auto_value, saved.value, saved.reason) == (1, 1, "")
