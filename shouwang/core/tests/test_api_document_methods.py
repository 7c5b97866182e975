"""The OpenAPI document is read with GET (or HEAD); any other method gets the API's
405 — JSON in Chinese with ``Allow: GET, HEAD`` — as the API's reads do, rather than
the document."""

from __future__ import annotations

import pytest

from shouwang.core.tests.personas import World

pytestmark = pytest.mark.django_db

DOCUMENT = "/api/v1/openapi.json"


@pytest.mark.parametrize("persona", ["anonymous", "hq"])
def test_it_serves_the_document_on_get_and_head(world: World, persona: str) -> None:
    client = world.client(persona)
    get = client.get(DOCUMENT)
    assert get.status_code == 200
    assert get.json()["info"]["title"] == "守望 API"
    head = client.head(DOCUMENT)
    assert head.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("persona", ["anonymous", "hq"])
def test_it_refuses_other_methods_in_chinese(world: World, persona: str, method: str) -> None:
    response = getattr(world.client(persona), method)(DOCUMENT)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": f"该接口不支持 {method.upper()} 请求，请使用 GET 或 HEAD"}
