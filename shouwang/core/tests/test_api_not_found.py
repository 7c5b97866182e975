"""An address under /api/v1/ that names no endpoint — the API's root itself, a typo, an
endpoint that does not exist — gets a JSON 404 in Chinese pointing to the OpenAPI
document, not the HTML page meant for a browser. Pages outside the API keep the HTML
page."""

from __future__ import annotations

import pytest

from shouwang.core.tests.personas import World

pytestmark = pytest.mark.django_db

MESSAGE = "没有这个接口，可用的接口见 /api/v1/openapi.json"


@pytest.mark.parametrize(
    "address", ["/api/v1/", "/api/v1/nope", "/api/v1/watch/nope/", "/api/v1/me/extra"]
)
@pytest.mark.parametrize("persona", ["anonymous", "hq"])
def test_it_answers_an_unknown_address_in_json(world: World, persona: str, address: str) -> None:
    response = world.client(persona).get(address)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": MESSAGE}


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_answers_any_method_so(world: World, method: str) -> None:
    response = getattr(world.client("guard_a"), method)("/api/v1/checkpoints/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": MESSAGE}


def test_a_page_keeps_the_html_page(world: World) -> None:
    response = world.client("hq").get("/people/nope/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "没有找到" in response.content.decode()
