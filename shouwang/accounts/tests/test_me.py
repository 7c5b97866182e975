"""The signed-in user's own account page: who they are, and their recent sign-ins."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.personas import World

ME = reverse("accounts:me")
LOGIN = reverse("accounts:login")


def test_it_asks_a_visitor_to_sign_in(client: Client, world: World) -> None:
    response = client.get(ME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_it_shows_the_account_with_the_phone_masked(world: World) -> None:
    page = world.client("staff_a").get(ME).content.decode()
    assert "staff_a" in page
    assert "社区工作人员" in page
    assert world.community_a.name in page
    assert "138****0002" in page
    assert "13800000002" not in page
    assert reverse("accounts:password_change") in page


def test_the_top_bar_links_it(world: World) -> None:
    page = world.client("grid_a").get(reverse("core:home"), follow=True).content.decode()
    assert f'href="{ME}"' in page


def test_it_lists_the_users_own_sign_ins_failed_ones_included(world: World) -> None:
    Client().post(LOGIN, {"username": "staff_a", "password": "wrong"}, REMOTE_ADDR="10.9.8.7")
    Client().post(LOGIN, {"username": "staff_b", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    client = Client()
    client.post(LOGIN, {"username": "staff_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.5")
    response = client.get(ME)
    rows = response.content.decode().split("最近登录记录")[1]
    assert rows.index("登录成功") < rows.index("登录失败")  # newest first
    assert "10.0.0.5" in rows
    assert "10.9.8.7" in rows
    assert "10.1.1.1" not in rows  # someone else's
    assert "没有记录" not in rows


def test_a_new_account_has_no_sign_ins_yet(world: World) -> None:
    assert "没有记录" in world.client("leader").get(ME).content.decode()
