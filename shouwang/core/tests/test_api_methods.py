"""The JSON API's reads answer GET and HEAD, as ``require_safe`` pages do; a method an
endpoint does not take gets 405 in JSON, in Chinese, with its ``Allow`` header."""

from __future__ import annotations

import pytest

from shouwang.core.tests.personas import World

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
SHEET = "/api/v1/watch/today"
CHECKINS = "/api/v1/checkpoints/checkins"


@pytest.mark.parametrize(("persona", "address"), [("hq", ME), ("grid_a", SHEET)])
def test_a_read_answers_head_as_get(world: World, persona: str, address: str) -> None:
    client = world.client(persona)
    get = client.get(address)
    head = client.head(address)
    assert get.status_code == head.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(("persona", "address"), [("hq", ME), ("grid_a", SHEET)])
def test_a_read_refuses_other_methods_in_chinese(
    world: World, persona: str, address: str, method: str
) -> None:
    response = getattr(world.client(persona), method)(address)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": f"该接口不支持 {method.upper()} 请求，请使用 GET 或 HEAD"}


def test_a_write_refuses_get_in_chinese(world: World) -> None:
    response = world.client("guard_a").get(CHECKINS)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"detail": "该接口不支持 GET 请求，请使用 POST"}


def test_an_anonymous_head_is_told_to_log_in(world: World) -> None:
    assert world.client("anonymous").head(SHEET).status_code == 401
