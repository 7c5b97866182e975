"""More views that only read answer GET only, as in ``test_htmx_views_get_only``: the
ones htmx polls or filters (the case list's rows, a trace's second-hop status, a
checkpoint console's rows) and the exports a plain link downloads. Any other method
gets 405 rather than the page or the file as if it were read."""

from __future__ import annotations

import pytest

from shouwang.core.tests.personas import World
from shouwang.core.tests.test_htmx_views_get_only import url

pytestmark = pytest.mark.django_db

#: Each view, and a persona who may read it.
READ_ONLY = {
    "cases:list": "hq",
    "cases:trace": "hq",
    "checkpoints:console_post": "staff_b",
    "checkpoints:counts_export": "hq",
    "supplies:donations_export": "hq",
    "supplies:disclosure_export": "anonymous",
    "watch:stats_export": "hq",
    "reports:export": "hq",
}


@pytest.mark.parametrize(("name", "persona"), READ_ONLY.items())
def test_it_answers_get_only(grid_b: World, name: str, persona: str) -> None:
    address = url(grid_b, name)
    client = grid_b.client(persona)
    assert client.get(address).status_code == 200
    assert client.head(address).status_code == 200
    for method in ("post", "put", "delete"):
        response = getattr(client, method)(address)
        assert response.status_code == 405, f"{method.upper()} {address}"
        assert response["Allow"] == "GET, HEAD"
