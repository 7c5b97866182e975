"""The OpenAPI document describes how the API authenticates once, as it works: the
Django session cookie of a signed-in account on every endpoint that is not public, and
for a write (POST) also the CSRF token in the ``X-CSRFToken`` header — one scheme each,
not the same session cookie under two names. The document is then checked against the
API itself: a write with the session and without the header is refused."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from shouwang.core.tests.personas import World

pytestmark = pytest.mark.django_db

DOCUMENT = "/api/v1/openapi.json"
READS = {"get", "head"}


@pytest.fixture
def document(world: World) -> dict:
    return world.client("anonymous").get(DOCUMENT).json()


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_it_names_the_session_and_the_csrf_token_once_each(document: dict) -> None:
    schemes = document["components"]["securitySchemes"]
    assert set(schemes) == {"session", "csrf"}
    session, csrf = schemes["session"], schemes["csrf"]
    assert (session["type"], session["in"], session["name"]) == (
        "apiKey",
        "cookie",
        settings.SESSION_COOKIE_NAME,
    )
    assert (csrf["type"], csrf["in"], csrf["name"]) == ("apiKey", "header", "X-CSRFToken")
    assert "/accounts/login/" in session["description"]
    assert "账号尚未绑定辖区" in session["description"]
    assert settings.CSRF_COOKIE_NAME in csrf["description"]


def test_reads_need_the_session_and_writes_the_csrf_token_too(document: dict) -> None:
    seen = set()
    for path, method, operation in _operations(document):
        expected = [{"session": []}] if method in READS else [{"session": [], "csrf": []}]
        assert operation.get("security") == expected, f"{method.upper()} {path}"
        seen.add(method)
    assert seen == {"get", "post"}


def test_a_write_with_the_session_but_no_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.grid_worker_a)
    address = reverse("api:watch_followups_batch")
    body = json.dumps({"items": []})
    refused = client.post(address, body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF 校验失败，请刷新页面后重试"}

    client.get(reverse("watch:today"))  # a page sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    taken = client.post(
        address, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert taken.status_code == 200


def test_a_read_without_a_session_is_asked_to_sign_in(world: World) -> None:
    response = world.client("anonymous").get(reverse("api:watch_today"))
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录"}
