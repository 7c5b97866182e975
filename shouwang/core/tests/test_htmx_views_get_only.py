"""The views that only read answer GET (and HEAD) only: those htmx reads from
(``hx-get``: a unit select, a filtered list's rows, a job's progress, the dashboard's
refreshing panel, a trace's second-hop status, a console's rows) and the exports a plain
link downloads. Any other method gets 405, as Django's ``require_safe`` says, rather
than the page or the file as if it were read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.core.tests.personas import World
from shouwang.core.tests.test_route_matrix import all_classified

pytestmark = pytest.mark.django_db

#: Each view htmx reads from, and a persona who may read it.
READ_BY_HTMX = {
    "supplies:item_units": "hq",
    "supplies:ledger": "hq",
    "supplies:ledger_export": "hq",  # answers with the ledger page when refused
    "supplies:donations": "hq",
    "watch:alerts": "hq",
    "dashboard:index": "hq",
    "dashboard:wall": "hq",
    "accounts:users": "hq",
    "accounts:audit": "auditor",
    "accounts:audit_export": "auditor",  # answers with the log page when refused
    "people:import_job": "hq",
    "people:export_job": "staff_b",
    "cases:list": "hq",
    "cases:trace": "hq",
    "checkpoints:console_post": "staff_b",
}

#: Each export a plain link downloads, and a persona who may read it.
EXPORTS = {
    "checkpoints:counts_export": "hq",
    "supplies:donations_export": "hq",
    "supplies:disclosure_export": "anonymous",
    "watch:stats_export": "hq",
    "reports:export": "hq",
}


def url(world: World, name: str) -> str:
    route = all_classified()[name]
    return reverse(name, kwargs=route.kwargs(world) if route.kwargs else None)


@pytest.mark.parametrize(("name", "persona"), [*READ_BY_HTMX.items(), *EXPORTS.items()])
def test_it_answers_get_only(grid_b: World, name: str, persona: str) -> None:
    address = url(grid_b, name)
    client = grid_b.client(persona)
    assert client.get(address).status_code == 200
    assert client.head(address).status_code == 200
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
