"""The page showing a password says what it is: a new account's 初始密码, a reset's
新的临时密码 (the account had a password before)."""

from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.tests.test_user_create import URL, form
from shouwang.core.tests.personas import World


def test_a_reset_shows_the_new_temporary_password(world: World) -> None:
    response = world.client("hq").post(
        reverse("accounts:user_reset_password", kwargs={"pk": world.staff_a.pk})
    )
    page = response.content.decode()
    assert f"<strong>staff_a</strong>（{world.staff_a}）的新的临时密码：" in page
    assert "初始密码" not in page


def test_a_new_account_shows_its_initial_password(world: World) -> None:
    response = world.client("hq").post(URL, form(world))
    page = response.content.decode()
    assert "<strong>wang_wu</strong>（王五）的初始密码：" in page
    assert "临时密码" not in page
