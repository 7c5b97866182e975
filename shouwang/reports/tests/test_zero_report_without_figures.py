"""A zero report posted without the standing figures its page showed (an old page
from before they were sent back, a script, a form rebuilt by hand) is never filed on
figures nobody saw: it is held (409) and the page shows what a zero report would
submit now. Figures sent back garbled are held likewise; a second click after the
report went in files nothing twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.reports import catalog
from shouwang.reports.models import DailyReport, IndicatorDefinition, ReportRevision

from .pages import zero_form
from .test_daily_report import ON_TIME

pytestmark = pytest.mark.django_db

NOT_SENT = "零报告未上报：没有收到页面上列出的零报告数字"


def urls(world, day):
    args = [world.community_b.pk, day.isoformat()]
    return reverse("reports:report", args=args), reverse("reports:zero", args=args)


def submitted(world, day) -> bool:
    return DailyReport.objects.filter(
        community=world.community_b, day=day, status=DailyReport.Status.SUBMITTED
    ).exists()


@ON_TIME
def test_a_zero_report_sent_without_its_figures_is_held_and_shows_them(world, day):
    page_url, zero_url = urls(world, day)
    client = world.client("staff_b")
    response = client.post(zero_url)
    assert response.status_code == 409
    page = response.content.decode()
    assert NOT_SENT in page
    assert "零报告将上报：" in page
    assert not submitted(world, day)
    assert not ReportRevision.objects.exists()
    # The page it answers with sends them back: that click files the zero report.
    assert client.post(zero_url, zero_form(response)).status_code == 302
    assert DailyReport.objects.get(community=world.community_b, day=day).is_zero


@ON_TIME
def test_figures_of_other_indicators_only_are_as_good_as_none(world, day):
    _, zero_url = urls(world, day)
    response = world.client("staff_b").post(zero_url, {"z_retired_long_ago": "3"})
    assert response.status_code == 409
    assert NOT_SENT in response.content.decode()
    assert not submitted(world, day)


@ON_TIME
@pytest.mark.parametrize("sent", ["1e9", "+4", " 4", "4.0", "0x4", "4\n"])
def test_a_figure_sent_back_in_another_notation_holds_the_zero_report(world, day, sent):
    page_url, zero_url = urls(world, day)
    client = world.client("staff_b")
    body = zero_form(client.get(page_url))
    assert body["z_households_expected"] == "4"
    body["z_households_expected"] = sent
    response = client.post(zero_url, body)
    assert response.status_code == 409
    assert "请核对后再上报" in response.content.decode()
    assert not submitted(world, day)
    assert not ReportRevision.objects.exists()


@ON_TIME
def test_some_figures_missing_name_each_one_missing(world, day):
    page_url, zero_url = urls(world, day)
    client = world.client("staff_b")
    body = zero_form(client.get(page_url))
    del body["z_households_registered"], body["z_persons_registered"]
    response = client.post(zero_url, body)
    assert response.status_code == 409
    page = response.content.decode()
    assert "已登记户数 —→0" in page
    assert "已登记人数 —→0" in page
    assert not submitted(world, day)


@ON_TIME
def test_a_second_click_files_nothing_twice(world, day):
    page_url, zero_url = urls(world, day)
    client = world.client("staff_b")
    body = zero_form(client.get(page_url))
    assert client.post(zero_url, body).status_code == 302
    for again in (body, {}):  # the same page again, or a request with no figures
        response = client.post(zero_url, again, follow=True)
        assert response.status_code == 200
        assert "该日报已上报，未重复上报" in response.content.decode()
    assert ReportRevision.objects.count() == 1


@ON_TIME
def test_with_no_standing_figure_to_show_nothing_is_needed_back(world, day):
    """HQ reports only new situations (every other indicator retired): the zero report
    shows no figure beside its button, sends none back, and goes in at once."""
    catalog.all_definitions()  # the built-in indicators' rows
    IndicatorDefinition.objects.filter(incident=False).update(active=False)
    page_url, zero_url = urls(world, day)
    client = world.client("staff_b")
    assert zero_form(client.get(page_url)) == {}
    assert client.post(zero_url).status_code == 302
    assert DailyReport.objects.get(community=world.community_b, day=day).is_zero
