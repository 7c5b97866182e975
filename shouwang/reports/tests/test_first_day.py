"""A community reports from its first day on: the day in progress when it was created.
Before that it is not missing anywhere (roll-up, overview, xlsx, bulletin, reminders,
home page, dashboard), and no report of such a day can be opened or written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.areas.models import Area
from shouwang.areas.tests.factories import child, created
from shouwang.core.tests.personas import World, build_world
from shouwang.reports import actions, bulletin, days, tables
from shouwang.reports.models import DailyFigure, DailyReport, Reminder
from shouwang.reports.rollup import rollup

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)
YESTERDAY = DAY - timedelta(days=1)
MORNING = days.window(DAY).start + timedelta(hours=19)  # 10:00 on DAY
NEW = "新建社区"
FIRST_DAY_TEXT = "新建社区从2026年3月10日起上报日报"


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Iterator[Clock]:
    """10:00 on DAY: YESTERDAY is the day just closed, DAY is in progress."""
    moment = Clock(MORNING)
    with mock.patch("django.utils.timezone.now", moment):
        yield moment


@pytest.fixture
def world(db, clock) -> World:
    """The personas, their areas created (60 days back) on the clock's time."""
    return build_world()


@pytest.fixture
def newcomer(world, clock) -> Area:
    """A community created at 10:00 on DAY (its first day), with its own staff."""
    community = created(child(world.subdistrict, NEW), clock.at)
    world.staff_c = UserFactory(username="staff_c", role=Role.COMMUNITY_STAFF, area=community)
    return community


def report_url(name: str, community: Area, day: date | str) -> str:
    return reverse(f"reports:{name}", kwargs={"pk": community.pk, "day": day})


def figure(area: Area, day: date) -> DailyFigure:
    return DailyFigure.objects.get(area=area, day=day)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report_line(user):
    response = login(user).get(reverse("core:home"))
    assert response.status_code == 200
    lines = [i for i in response.context["todo"] if i.label.endswith("日报未上报（社区）")]
    return lines[0] if lines else None


def test_a_community_created_today_is_not_missing_for_yesterday(world, newcomer):
    assert days.last_closed_day() == YESTERDAY
    assert days.first_day(newcomer) == DAY
    rollup(YESTERDAY)
    mine = figure(newcomer, YESTERDAY)
    assert (mine.communities, mine.submitted, mine.missing) == (0, 0, 0)
    total = figure(world.subdistrict, YESTERDAY)
    assert (total.communities, total.submitted, total.missing) == (2, 0, 2)

    response = world.client("hq").get(reverse("reports:overview"), {"day": YESTERDAY})
    table = response.context["table"]
    assert table.missing == ["西城社区", "八一社区"]
    status = {row.area.name: row.status for row in table.rows}
    assert status == {"西城社区": "未报", "八一社区": "未报", NEW: "未开始上报"}
    assert report_url("report", newcomer, YESTERDAY) not in response.content.decode()
    _, rows, _ = tables.day_sheet(world.subdistrict, YESTERDAY)
    assert [row[2:4] for row in rows[:-1]] == [
        ["西城社区", "未报"],
        ["八一社区", "未报"],
        [NEW, "未开始上报"],
    ]

    text = bulletin.generate(world.subdistrict, YESTERDAY)
    assert "应报社区2个" in text
    assert "未报2个（西城社区、八一社区）" in text

    actions.send_reminders()
    reminded = set(Reminder.objects.filter(day=YESTERDAY).values_list("community_id", flat=True))
    assert reminded == {world.community_a.pk, world.community_b.pk}

    line = report_line(world.hq)
    assert (line.count, line.note.split("，")[0]) == (2, "已上报 0/2")
    assert report_line(world.staff_c) is None

    rollup(DAY)  # the dashboard's rows are those of the day in progress
    snap = world.client("hq").get(reverse("dashboard:index")).context["snap"]
    assert snap.closed_figure.missing == 2
    row = next(r for r in snap.children if r.area == newcomer)
    assert (row.submitted, row.communities, row.missing) == (0, 0, 0)

    page = login(world.staff_c).get(reverse("reports:community", args=[newcomer.pk]))
    content = page.content.decode()
    assert "未开始上报" in content
    assert report_url("zero", newcomer, YESTERDAY) not in content
    assert report_url("report", newcomer, YESTERDAY) not in content


def test_it_is_missing_for_its_first_day_once_that_day_closes(world, newcomer, clock, post_zero):
    clock.at = days.window(DAY).end + timedelta(minutes=5)
    assert days.last_closed_day() == DAY
    rollup(DAY)
    assert figure(newcomer, DAY).missing == 1
    total = figure(world.subdistrict, DAY)
    assert (total.communities, total.missing) == (3, 3)
    assert f"未报3个（西城社区、八一社区、{NEW}）" in bulletin.generate(world.subdistrict, DAY)
    response = world.client("hq").get(reverse("reports:overview"), {"day": DAY})
    assert NEW in response.context["table"].missing
    actions.send_reminders()
    assert Reminder.objects.filter(day=DAY, community=newcomer).count() == 1
    assert report_line(world.hq).count == 3
    assert report_line(world.staff_c).count == 1

    page = post_zero(login(world.staff_c), newcomer, DAY)
    assert page.status_code == 302
    rollup(DAY)
    assert figure(newcomer, DAY).missing == 0
    assert figure(world.subdistrict, DAY).missing == 2


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "report"),
        ("post", "report"),
        ("post", "submit"),
        ("post", "zero"),
        ("get", "amend"),
        ("post", "amend"),
    ],
)
def test_a_day_before_its_first_day_is_404_and_writes_nothing(world, newcomer, method, name):
    client = login(world.staff_c)
    response = getattr(client, method)(report_url(name, newcomer, YESTERDAY), {"note": "x"})
    assert response.status_code == 404
    assert FIRST_DAY_TEXT in response.content.decode()
    assert not DailyReport.objects.exists()
    assert not DailyFigure.objects.exists()
    assert client.get(report_url("report", newcomer, DAY)).status_code == 200
    assert not DailyReport.objects.exists()


@pytest.mark.parametrize("day", ["1900-01-01", "0001-01-02"])
@pytest.mark.parametrize("name", ["report", "submit", "zero", "amend"])
def test_an_ancient_day_is_404_and_writes_nothing(world, clock, day, name):
    response = world.client("staff_a").post(report_url(name, world.community_a, day))
    assert response.status_code == 404
    assert "西城社区从" in response.content.decode()
    assert not DailyReport.objects.exists()
    assert not DailyFigure.objects.exists()


@pytest.mark.parametrize("day", [DAY + timedelta(days=1), date(9999, 12, 31)])
@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "report"), ("post", "report"), ("post", "submit"), ("post", "zero"), ("get", "amend")],
)
def test_a_day_not_started_is_404_saying_so_and_writes_nothing(world, clock, day, method, name):
    """A typed or bookmarked later day: the page says it has not started and links to
    the day in progress (it said only 您要找的记录不存在), nothing written."""
    client = world.client("staff_a")
    response = getattr(client, method)(report_url(name, world.community_a, day), {"note": "x"})
    assert response.status_code == 404
    page = response.content.decode()
    assert f"{day.year}年{day.month}月{day.day}日尚未开始" in page
    assert report_url("report", world.community_a, DAY) in page
    assert not DailyReport.objects.exists()
    assert not DailyFigure.objects.exists()


def test_the_actions_refuse_a_day_before_the_first_day(world, newcomer):
    with pytest.raises(actions.ReportError, match=FIRST_DAY_TEXT):
        actions.report_for(community=newcomer, day=YESTERDAY)
    assert not DailyReport.objects.exists()


@pytest.mark.parametrize(
    ("offset", "reports_yesterday"),
    [(timedelta(seconds=-1), True), (timedelta(0), False), (timedelta(seconds=1), False)],
)
def test_the_cutoff_is_the_boundary(world, clock, offset, reports_yesterday):
    """Created a second before yesterday's cutoff: it reports yesterday; at the
    cutoff or a second after: from today on."""
    community = created(child(world.subdistrict, NEW), days.window(YESTERDAY).end + offset)
    staff = UserFactory(username="staff_c", role=Role.COMMUNITY_STAFF, area=community)
    assert days.first_day(community) == (YESTERDAY if reports_yesterday else DAY)
    rollup(YESTERDAY)
    assert figure(community, YESTERDAY).communities == int(reports_yesterday)
    assert figure(world.subdistrict, YESTERDAY).communities == 2 + int(reports_yesterday)
    actions.send_reminders()
    reminded = Reminder.objects.filter(day=YESTERDAY, community=community).exists()
    assert reminded == reports_yesterday
    response = login(staff).get(report_url("report", community, YESTERDAY))
    assert response.status_code == (200 if reports_yesterday else 404)
