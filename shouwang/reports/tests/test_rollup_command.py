"""``shouwang report_rollup --day/--back``: what it cannot roll up is refused with a
message saying why, before anything is written."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shouwang.reports import days
from shouwang.reports.models import DailyFigure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--day", "2026-02-30"], "日期“2026-02-30”无效：请按 YYYY-MM-DD 填写一个有前一天的日期"),
        (["--day", "0001-01-01"], "日期“0001-01-01”无效"),
        (["--day", "yesterday"], "日期“yesterday”无效"),
        (["--day", "0001-01-03", "--back", "5"], "--back 5 超出了日历的第一天"),
        (["--back", "-1"], "--back -1 无效：请填 0 到 366 之间的天数"),
        (["--back", "100000"], "--back 100000 无效"),
    ],
)
def test_a_day_it_cannot_roll_up_is_refused_saying_why(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report_rollup", *args, stdout=StringIO())
    assert not DailyFigure.objects.exists()


def test_a_day_not_started_is_refused(world):
    later = (days.open_day() + timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match=f"{later} 尚未开始，没有可汇总的数字"):
        call_command("report_rollup", "--day", later, stdout=StringIO())
    assert not DailyFigure.objects.exists()


def test_the_day_in_progress_and_a_closed_day_are_rolled_up(world):
    out = StringIO()
    closed = days.last_closed_day()
    call_command("report_rollup", "--day", closed.isoformat(), "--back", "1", stdout=out)
    assert set(DailyFigure.objects.values_list("day", flat=True)) == {
        closed,
        closed - timedelta(days=1),
    }
    call_command("report_rollup", "--day", days.open_day().isoformat(), stdout=out)
    assert DailyFigure.objects.filter(day=days.open_day()).exists()
