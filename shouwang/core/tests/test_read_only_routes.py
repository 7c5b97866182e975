"""The views that only read answer GET (and HEAD) only: every route its app's
``tests/routes.py`` marks ``read_only`` — lists, detail pages, PDFs, QR images, exports,
the htmx partials and the public phone pages that only show. Any other method gets 405,
as Django's ``require_safe`` says, rather than the page or the file as if it were read;
HEAD answers as GET does. (The route matrix fails a route that answers so but is not
marked.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.core.tests.personas import World
from shouwang.core.tests.test_route_matrix import all_classified

pytestmark = pytest.mark.django_db

READ_ONLY = sorted(name for name, route in all_classified().items() if route.read_only)


def test_the_read_only_routes_are_marked() -> None:
    assert len(READ_ONLY) > 50


@pytest.mark.parametrize("name", READ_ONLY)
def test_it_answers_get_and_head_only(grid_b: World, name: str) -> None:
    route = all_classified()[name]
    address = reverse(name, kwargs=route.kwargs(grid_b) if route.kwargs else None)
    client = grid_b.client("anonymous" if route.public else route.reader)
    get = client.get(address)
    assert get.status_code < 500
    assert get.status_code != 403, f"{route.reader} may not read {address}: pick a reader"
    if not route.public:
        assert not get.get("Location", "").startswith(reverse("accounts:login"))
    assert client.head(address).status_code == get.status_code
    for method in ("post", "put", "delete"):
        response = getattr(client, method)(address)
        assert response.status_code == 405, f"{method.upper()} {address}"
        assert response["Allow"] == "GET, HEAD"


def test_a_refused_alert_handling_still_shows_the_alerts(world: World) -> None:
    """处置 (a POST) refused comes back to the alerts list, not to a 405."""
    from shouwang.watch.tests import factories

    alert = factories.alert(world.building_a)
    address = reverse("watch:alert_handle", args=[alert.pk])
    response = world.client("hq").post(address, {"note": "说" * 201})
    assert response.status_code == 400
    assert "处置说明最多200字" in response.content.decode()


def test_the_unit_select_refuses_a_post_with_an_item(world: World) -> None:
    from shouwang.supplies.tests.factories import item

    masks = item("医用口罩")
    address = reverse("supplies:item_units")
    client = world.client("staff_a")
    assert client.post(address, {"item": masks.pk}).status_code == 405
    assert "<select" in client.get(address, {"item": masks.pk}).content.decode()
