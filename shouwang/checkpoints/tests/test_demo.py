"""The demo's posts are kept by several guards: the daily bulletin's 值守人员 counts
the staff who recorded passages, and said 1名 for all of the demo's checkpoints."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from shouwang.accounts.models import User
from shouwang.areas.models import Area
from shouwang.reports import bulletin, days
from shouwang.reports.models import DailyFigure

from ..models import CheckIn, Checkpoint

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--size", "tiny", stdout=out)
    return out.getvalue()


def test_the_demo_posts_are_kept_by_two_guards_per_community() -> None:
    output = run_demo()
    subdistrict = Area.objects.get(name="明湖街道")
    communities = list(Area.objects.within(subdistrict).communities().order_by("pk"))
    for c, community in enumerate(communities):
        for post in Checkpoint.objects.within(community):
            guards = list(post.staff.order_by("username"))
            assert len(guards) == 2
            assert {g.area for g in guards} == {community}, "credited to the post's community"
        if c == 0:
            assert guards[0].username == "guard", "the printed demo guard keeps its posts"
    # The extra guards are not demo logins: none printed, none usable.
    extra = User.objects.filter(username__startswith="guard_")
    assert extra.count() == 2 * len(communities) - 1
    assert not any(u.has_usable_password() for u in extra)
    assert not any(u.username in output for u in extra)


def test_the_bulletin_counts_the_guards_on_duty() -> None:
    run_demo()
    subdistrict = Area.objects.get(name="明湖街道")
    closed = days.last_closed_day()
    window = days.window(closed)
    recorders = (
        CheckIn.objects.between(window.start, window.end)
        .exclude(recorded_by=None)
        .values("recorded_by")
        .distinct()
    )
    assert recorders.count() == 4, "both shifts of both communities recorded passages"
    figure = DailyFigure.objects.get(area=subdistrict, day=closed)
    assert figure.values["staff_on_duty"] == 4
    text = bulletin.generate(subdistrict, closed)
    assert "值守人员4名" in text


def test_a_second_run_adds_no_guard() -> None:
    run_demo()
    guards = set(User.objects.values_list("username", flat=True))
    run_demo()
    assert set(User.objects.values_list("username", flat=True)) == guards
