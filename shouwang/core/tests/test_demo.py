"""``shouwang demo`` builds the demo sub-district once and prints one login per role."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import User
from shouwang.accounts.roles import Role
from shouwang.areas.models import Area
from shouwang.people.models import Household
from shouwang.reports import bulletin, days
from shouwang.reports import demo as reports_demo
from shouwang.reports.models import DailyFigure


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--size", "tiny", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label not in ("sessions", "admin")
    }


def test_it_builds_the_tree_and_a_login_per_role(db) -> None:
    output = run_demo()
    subdistrict = Area.objects.get(name="明湖街道")
    assert Area.objects.within(subdistrict).communities().count() == 2
    assert {u.role for u in User.objects.all()} == set(Role.values)
    logins = dict(re.findall(r"^\s+\S+\s+(\w+)\s+(\S+)\s+（", output, re.MULTILINE))
    assert set(logins) == {"hq", "leader", "auditor", "staff_a", "staff_b", "grid_a", "guard"}
    for username, password in logins.items():
        response = Client().post(
            reverse("accounts:login"), {"username": username, "password": password}
        )
        assert response.status_code == 302, username


def test_a_second_run_adds_nothing(db) -> None:
    run_demo()
    before = row_counts()
    run_demo()
    assert row_counts() == before


def test_the_closed_days_count_the_ledger_and_the_cases(db) -> None:
    run_demo()
    subdistrict = Area.objects.get(name="明湖街道")
    today, closed = days.open_day(), days.last_closed_day()
    first = closed - timedelta(days=reports_demo.DAYS - 1)
    figures = {f.day: f.values for f in DailyFigure.objects.filter(area=subdistrict)}
    ledger = Household.objects.within(subdistrict).filter(created_at__lt=days.window(first).start)
    assert ledger.count() > 0
    for day in (first, closed):
        assert figures[day]["households_registered"] == ledger.count()
        assert figures[day]["persons_registered"] > 0
        assert figures[day]["household_coverage"] > 0
    text = bulletin.generate(subdistrict, closed)
    assert f"已登记{ledger.count()}户" in text
    # The confirmed case was suspected two days ago (10:00) and confirmed yesterday;
    # the other suspect was entered just now, in the day in progress.
    local = timezone.localdate()
    assert figures[local - timedelta(days=2)]["suspected_new"] == 1
    assert figures[local - timedelta(days=1)]["confirmed_new"] == 1
    assert (figures[today]["suspected_new"], figures[today]["confirmed_new"]) == (1, 0)
    assert sum(values["suspected_new"] for values in figures.values()) == 2
    assert sum(values["confirmed_new"] for values in figures.values()) == 1


def test_the_demo_keeps_its_week_of_reports(db) -> None:
    """The demo's communities look created before its week of reports: every day of
    it has each community reporting (a community reports from its creation day on)."""
    run_demo()
    subdistrict = Area.objects.get(name="明湖街道")
    closed = days.last_closed_day()
    week = [closed - timedelta(days=n) for n in range(reports_demo.DAYS)]
    figures = DailyFigure.objects.filter(area=subdistrict, day__in=week)
    counts = {f.day: (f.communities, f.submitted) for f in figures}
    assert counts == dict.fromkeys(week, (2, 2))


def test_a_demo_built_before_its_areas_were_backdated_runs_again(db) -> None:
    """A var/ from an earlier version holds areas created at the first run: the next
    run skips the days before they report instead of failing on them."""
    run_demo()
    Area.objects.update(created_at=timezone.now())
    assert "演示数据已就绪" in run_demo()


def test_the_default_size_builds(db) -> None:
    """`make demo` builds the default size: a week of supplies and reports drawn at
    random must not run any stock below zero (a store once issued more than it held)."""
    out = StringIO()
    call_command("demo", "--no-serve", "--size", "default", stdout=out)
    assert "演示数据已就绪" in out.getvalue()
    assert Area.objects.communities().count() == 10
