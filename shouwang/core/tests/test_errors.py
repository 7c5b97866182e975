"""Error pages render without the middleware that normally runs before them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_a_foreign_host_header_gets_the_chinese_400_page_not_a_500() -> None:
    # DisallowedHost is raised before the authentication middleware sets request.user.
    response = Client(raise_request_exception=False).get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_gets_the_chinese_403_page_not_a_500() -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期，请刷新后重试" in response.content.decode()


@pytest.mark.django_db
def test_pages_name_the_site_icon_and_favicon_ico_leads_to_it(client, world) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/shouwang/favicon.svg")
    for page in (world.client("hq").get("/"), client.get(reverse("accounts:login"))):
        assert 'rel="icon" href="/static/shouwang/favicon.svg"' in page.content.decode()
