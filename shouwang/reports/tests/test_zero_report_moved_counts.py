"""零报告 submits the standing figures (已登记户数, 开放卡点 …) the page showed beside
its button: they travel with the click, and when a count moved since the page showed
it the zero report is held (409) and the page shows the new figures, as 上报 does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.reports import days
from shouwang.reports.models import DailyReport, ReportRevision

from . import data
from .data import MOVED_DAY as DAY
from .pages import zero_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


def urls(world):
    args = [world.community_b.pk, DAY.isoformat()]
    return reverse("reports:report", args=args), reverse("reports:zero", args=args)


def test_the_page_shows_the_standing_figures_a_zero_report_submits(world):
    page_url, _ = urls(world)
    data.household(world.building_b, persons=2, at=days.window(DAY).start + timedelta(hours=1))
    response = world.client("staff_b").get(page_url)
    page = response.content.decode()
    zero = page[page.index('class="zero-form"') :]
    assert "已登记户数 1户" in zero[: zero.index("</form>")]
    body = zero_form(response)
    assert body["z_households_registered"] == "1"
    assert body["z_persons_registered"] == "2"
    assert "z_key_new" not in body  # an incident figure is 0 in any zero report


def test_a_zero_report_after_a_count_moved_shows_the_new_figures_first(world, late_upload):
    page_url, zero_url = urls(world)
    client = world.client("staff_b")
    body = zero_form(client.get(page_url))
    assert body["z_households_registered"] == "0"
    # A late upload: a household registered within DAY reaches the ledger now.
    late_upload()
    response = client.post(zero_url, body)
    assert response.status_code == 409, response.content.decode()[-3000:]
    page = response.content.decode()
    assert "打开页面后系统统计有更新：已登记户数 0→1" in page
    assert "已登记人数 0→2" in page
    assert not DailyReport.objects.filter(
        community=world.community_b, day=DAY, status=DailyReport.Status.SUBMITTED
    ).exists()
    assert not ReportRevision.objects.exists()
    again = zero_form(response)
    assert again["z_households_registered"] == "1"
    assert client.post(zero_url, again).status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=DAY)
    assert report.is_zero
    assert report.values.get(code="households_registered").value == 1


def test_a_zero_report_with_no_count_moved_submits_at_once(world):
    page_url, zero_url = urls(world)
    client = world.client("staff_b")
    assert client.post(zero_url, zero_form(client.get(page_url))).status_code == 302
    assert DailyReport.objects.get(community=world.community_b, day=DAY).is_zero


@pytest.mark.parametrize("sent", ["", "abc", "99999999999999999999", "-1", "１"])
def test_a_figure_sent_back_garbled_holds_the_zero_report(world, sent):
    page_url, zero_url = urls(world)
    client = world.client("staff_b")
    body = zero_form(client.get(page_url))
    body["z_households_registered"] = sent
    response = client.post(zero_url, body)
    assert response.status_code == 409
    assert "请核对后再上报" in response.content.decode()
    assert not ReportRevision.objects.exists()


def test_a_figure_added_since_the_page_was_shown_holds_the_zero_report(world):
    page_url, zero_url = urls(world)
    client = world.client("staff_b")
    body = zero_form(client.get(page_url))
    del body["z_persons_registered"]
    response = client.post(zero_url, body)
    assert response.status_code == 409
    assert "已登记人数 —→0" in response.content.decode()
    assert not ReportRevision.objects.exists()


def test_a_zero_report_of_the_day_in_progress_says_it_is_not_closed(world, now):
    """The counts of the day in progress move all day: what stops its zero report is
    that the day has not closed, not a moved count."""
    args = [world.community_b.pk, days.open_day().isoformat()]
    response = world.client("staff_b").post(
        reverse("reports:zero", args=args), {"z_households_registered": "7"}
    )
    assert response.status_code == 400
    assert "统计截止后才能上报该日日报" in response.content.decode()
    assert not ReportRevision.objects.exists()
