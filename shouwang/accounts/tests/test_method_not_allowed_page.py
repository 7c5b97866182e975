"""A page that only takes a button's POST, opened by its address (a bookmark, the
browser's history), says so in Chinese with a way back, instead of a blank 405."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from shouwang.core.tests.personas import World


def test_opening_a_buttons_address_shows_a_chinese_page_with_a_way_home(world: World) -> None:
    url = reverse("accounts:user_reset_password", kwargs={"pk": world.staff_a.pk})
    response = world.client("hq").get(url)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert "请回到页面上点击相应的按钮" in page
    assert '<a href="/">返回首页</a>' in page


def test_the_sign_out_address_opened_says_how_to_sign_out(world: World) -> None:
    response = world.client("staff_a").get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert "请回到页面上点击相应的按钮" in response.content.decode()


def test_an_anonymous_visitor_gets_the_page_too(client: Client, world: World) -> None:
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert "返回首页" in response.content.decode()


def test_the_api_answers_405_without_the_page(world: World) -> None:
    response = world.client("hq").delete("/api/v1/me")
    assert response.status_code == 405
    assert "返回首页" not in response.content.decode()
