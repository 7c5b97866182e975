"""Past the deadline the community's pages say the report is overdue and that it will
be marked 迟报, instead of still asking for it "before" a time already gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from shouwang.reports import actions, days
from shouwang.reports.models import Reminder

pytestmark = pytest.mark.django_db


def deadline_text(day):
    return days.deadline(day).astimezone(days.local_zone()).strftime("%-m月%-d日 %H:%M")


@override_settings(REPORT_GRACE_MINUTES=0)
def test_past_the_deadline_the_community_page_says_overdue(world, day):
    page = world.client("staff_b").get(reverse("reports:community", args=[world.community_b.pk]))
    text = page.content.decode()
    assert f"已逾期（应于 {deadline_text(day)} 前上报），现在上报将记为迟报" in text
    assert f"请于 {deadline_text(day)} 前上报" not in text


@override_settings(REPORT_GRACE_MINUTES=0)
def test_past_the_deadline_the_report_page_says_it_will_be_late(world, day):
    url = reverse("reports:report", args=[world.community_b.pk, day.isoformat()])
    text = world.client("staff_b").get(url).content.decode()
    assert f"已逾期（应于 {deadline_text(day)} 前上报），现在上报将记为迟报" in text


@override_settings(REPORT_GRACE_MINUTES=3 * 24 * 60)
def test_before_the_deadline_the_pages_ask_for_it_before_the_deadline(world, day):
    client = world.client("staff_b")
    text = client.get(reverse("reports:community", args=[world.community_b.pk])).content.decode()
    assert f"请于 {deadline_text(day)} 前上报" in text
    assert "已逾期" not in text
    url = reverse("reports:report", args=[world.community_b.pk, day.isoformat()])
    text = client.get(url).content.decode()
    assert f"应于 {deadline_text(day)} 前上报" in text
    assert "已逾期" not in text


@override_settings(REPORT_CUTOFF="23:00", REPORT_GRACE_MINUTES=90)
def test_a_reminder_names_the_date_of_a_deadline_past_midnight(world):
    """Cutoff 23:00 and 90 minutes' grace: the report is due at 00:30 the next day,
    which "请于00:30前提交" alone would not say."""
    day = days.last_closed_day()
    due = days.deadline(day).astimezone(days.local_zone())
    assert actions.send_reminders(now=days.window(day).end + timedelta(minutes=10)) == 2
    message = Reminder.objects.filter(day=day).first().message
    assert f"请于{due.month}月{due.day}日00:30前提交" in message


@override_settings(REPORT_CUTOFF="15:00", REPORT_GRACE_MINUTES=60)
def test_a_reminder_of_a_deadline_the_same_day_names_the_time_only(world):
    day = days.last_closed_day()
    assert actions.send_reminders(now=days.window(day).end + timedelta(minutes=10)) == 2
    assert "请于16:00前提交" in Reminder.objects.filter(day=day).first().message
