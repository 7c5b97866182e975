"""A guard's home page leads straight to each post they staff, with what waits there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .factories import make_checkin, make_checkpoint

pytestmark = pytest.mark.django_db


def _todo(world, persona: str) -> list:
    response = world.client(persona).get(reverse("core:home"))
    assert response.status_code == 200
    return [item for item in response.context["todo"] if item.label.endswith(" 待确认")]


def test_each_post_a_guard_staffs_is_on_their_home_page_with_its_pending_self_scans(world):
    guard = world.user("guard_a")
    east = make_checkpoint(world.compound_a, "东门")
    west = make_checkpoint(world.compound_a, "西门")
    make_checkpoint(world.compound_a, "南门")  # not theirs
    east.staff.add(guard)
    west.staff.add(guard)
    make_checkin(east, status="declared")
    make_checkin(east, status="declared", direction="out")
    make_checkin(east, status="confirmed")
    make_checkin(west, status="confirmed", occupants=3, subject="v")
    items = _todo(world, "guard_a")
    assert [(i.label, i.count, i.note) for i in items] == [
        ("东门 待确认", 2, "今日进 2 · 出 1 人"),
        ("西门 待确认", 0, "今日进 3 · 出 0 人"),
    ]
    assert items[0].url == reverse("checkpoints:console_post", args=[east.pk])
    page = world.client("guard_a").get(items[0].url)
    assert page.status_code == 200


def test_a_user_staffing_no_post_or_without_the_console_gets_no_post_line(world):
    make_checkpoint(world.compound_a, "东门").staff.add(world.user("leader"))
    assert _todo(world, "guard_a") == []
    assert _todo(world, "leader") == []


def test_a_guard_on_more_posts_than_fit_sees_the_busiest_and_the_rest_in_one_line(world):
    guard = world.user("guard_a")
    posts = [make_checkpoint(world.compound_a, f"{i}号门") for i in range(1, 9)]
    for post in posts:
        post.staff.add(guard)
    make_checkin(posts[7], status="declared")
    make_checkin(posts[7], status="declared")
    make_checkin(posts[6], status="declared")
    make_checkin(posts[0], status="declared", direction="out")
    items = _todo(world, "guard_a")
    assert [(i.label, i.count) for i in items] == [
        ("8号门 待确认", 2),
        ("1号门 待确认", 1),
        ("7号门 待确认", 1),
        ("2号门 待确认", 0),
        ("3号门 待确认", 0),
        ("4号门 待确认", 0),
        ("其余 2 个卡点 待确认", 0),
    ]
    assert items[-1].url == reverse("checkpoints:console")
