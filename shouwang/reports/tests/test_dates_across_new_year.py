"""Near New Year a day of last year (or of next year) is named with its year: 12月31日
read on 1 January would be this year's, eleven months ahead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse

from shouwang.reports import actions, days
from shouwang.reports.models import Reminder
from shouwang.reports.rollup import rollup

pytestmark = pytest.mark.django_db

NEW_YEAR = date(2027, 1, 1)


@pytest.fixture
def new_years_morning() -> Iterator[datetime]:
    """11:00 of 1 January (Asia/Shanghai), before the cutoff: the day just closed is
    31 December of last year."""
    moment = days.window(NEW_YEAR).end - timedelta(hours=4)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert days.open_day() == NEW_YEAR
        assert days.last_closed_day() == date(2026, 12, 31)
        yield moment


@pytest.fixture
def before_a_late_cutoff_on_new_years_eve() -> Iterator[datetime]:
    """23:45 of 31 December with the cutoff at 23:30 and an hour's grace: the day just
    closed is 31 December, due at 0:30 of next year; the day in progress is 1 January."""
    with override_settings(REPORT_CUTOFF="23:30", REPORT_GRACE_MINUTES=60):
        moment = days.window(date(2026, 12, 31)).end + timedelta(minutes=15)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            assert days.open_day() == NEW_YEAR
            yield moment


@pytest.fixture
def new_years_eve() -> Iterator[datetime]:
    """11:00 of 31 December: the day in progress is still this year's."""
    moment = days.window(date(2026, 12, 31)).end - timedelta(hours=4)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert days.open_day() == date(2026, 12, 31)
        yield moment


def test_the_communitys_days_of_last_year_carry_their_year(world, new_years_morning):
    page = world.client("staff_b").get(reverse("reports:community", args=[world.community_b.pk]))
    text = page.content.decode()
    assert "2026年12月31日</a>" in text
    assert ">1月1日</a>" in text
    assert "2027年" not in text


def test_the_trend_names_the_year_of_last_years_days(world, new_years_morning):
    rollup(date(2026, 12, 31))
    text = world.client("hq").get(reverse("reports:trend", args=["fevers"])).content.decode()
    assert "<td>2026年12月31日</td>" in text
    assert "<td>1月1日</td>" in text


def test_a_day_of_next_year_not_started_carries_its_year(world, new_years_eve):
    response = world.client("hq").get(
        reverse("reports:overview"), {"area": world.subdistrict.pk, "day": "2027-01-05"}
    )
    assert response.status_code == 404
    text = response.content.decode()
    assert "· 2027年1月5日尚未开始</h1>" in text
    assert "查看12月31日的日报汇总" in text


def test_the_home_pages_report_line_names_last_years_day_with_its_year(world, new_years_morning):
    text = world.client("hq").get(reverse("core:home")).content.decode()
    assert "2026年12月31日日报未上报（社区）" in text


def test_a_reminder_of_last_years_day_names_its_year(world, new_years_morning):
    assert actions.send_reminders(now=new_years_morning) == 2
    message = Reminder.objects.filter(day=date(2026, 12, 31)).first().message
    assert message.startswith("2026年12月31日日报")


def test_the_report_page_names_last_years_window_and_deadline_with_their_year(
    world, new_years_morning
):
    url = reverse("reports:report", args=[world.community_b.pk, "2026-12-31"])
    text = world.client("staff_b").get(url).content.decode()
    assert "统计时段：2026年12月30日 15:00 至 2026年12月31日 15:00；" in text
    assert "应于 2026年12月31日 16:00 前上报" in text


def test_the_report_page_of_this_year_names_no_year(world, new_years_morning):
    url = reverse("reports:report", args=[world.community_b.pk, "2027-01-01"])
    text = world.client("staff_b").get(url).content.decode()
    assert "统计时段：2026年12月31日 15:00 至 1月1日 15:00；" in text
    assert "应于 1月1日 16:00 前上报" in text


def test_the_bulletin_of_last_years_day_is_dated_with_its_year(world, new_years_morning):
    rollup(date(2026, 12, 31))
    response = world.client("hq").get(reverse("reports:bulletin"), {"day": "2026-12-31"})
    assert response.context["form"].initial["text"].startswith("截至2026年12月31日15时，")


def test_the_bulletin_of_the_day_in_progress_names_no_year(world, new_years_morning):
    rollup(NEW_YEAR)
    response = world.client("hq").get(reverse("reports:bulletin"), {"day": "2027-01-01"})
    text = response.context["form"].initial["text"]
    assert text.startswith("截至1月1日")
    assert "各社区日报统计中（1月1日15时截止后上报）。" in text


def test_a_report_of_next_years_day_is_refused_naming_its_year(
    world, before_a_late_cutoff_on_new_years_eve
):
    url = reverse("reports:submit", args=[world.community_b.pk, "2027-01-01"])
    response = world.client("staff_b").post(url, {})
    assert response.status_code == 400
    assert "2027年1月1日23时30分统计截止后才能上报该日日报" in response.content.decode()


def test_the_home_pages_deadline_in_next_year_carries_its_year(
    world, before_a_late_cutoff_on_new_years_eve
):
    text = world.client("hq").get(reverse("core:home")).content.decode()
    assert "截止 2027年1月1日 00:30" in text
