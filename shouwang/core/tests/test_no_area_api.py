"""The JSON API answers an account bound to no area as the pages do: 403, in JSON, with
the same message 账号尚未绑定辖区 — not an empty follow-up sheet or an upload that writes
rows for no area. ``/api/v1/me`` still answers: it describes the account (``area: null``),
which is how the phone learns why it sees nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.core.tests.personas import World, signed_in
from shouwang.core.tests.test_route_matrix import all_classified

pytestmark = pytest.mark.django_db

NO_AREA = "账号尚未绑定辖区"


@pytest.fixture
def grid_worker_of_nowhere(grid_b: World) -> Client:
    return signed_in(UserFactory(username="nowhere", role=Role.GRID_WORKER, area=None))


def _assert_no_area(response, where: str) -> None:
    assert response.status_code == 403, f"{where} -> {response.status_code}"
    assert response["Content-Type"].startswith("application/json"), where
    assert response.json()["detail"].startswith(NO_AREA), where


@pytest.mark.parametrize("account", ["root", "grid_worker_of_nowhere"])
def test_todays_sheet_says_the_account_has_no_area(
    request: pytest.FixtureRequest, account: str
) -> None:
    client = request.getfixturevalue(account)
    address = reverse("api:watch_today")
    _assert_no_area(client.get(address), f"GET {address}")
    assert client.head(address).status_code == 403


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("api:watch_followups_batch", {"items": []}),
        ("api:checkins_batch", {"checkpoint": 1, "items": []}),
    ],
)
def test_uploads_say_the_account_has_no_area(root: Client, name: str, body: dict) -> None:
    address = reverse(name)
    response = root.post(address, json.dumps(body), content_type="application/json")
    _assert_no_area(response, f"POST {address}")


def test_every_api_endpoint_but_me_says_so(root: Client, grid_b: World) -> None:
    failures = []
    for name, route in sorted(all_classified().items()):
        if not name.startswith("api:") or route.public or name == "api:me":
            continue
        address = reverse(name, kwargs=route.kwargs(grid_b) if route.kwargs else None)
        for method in ("get", "post"):
            response = getattr(root, method)(address, content_type="application/json")
            if response.status_code == 405:
                continue
            detail = response.json().get("detail", "") if response.status_code == 403 else ""
            if not str(detail).startswith(NO_AREA):
                failures.append(f"{method.upper()} {address} ({name}) -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_me_still_describes_the_account(root: Client) -> None:
    response = root.get(reverse("api:me"))
    assert response.status_code == 200
    assert response.json()["area"] is None
    assert response.json()["username"] == "root"


def test_an_account_with_an_area_still_reads_its_sheet(world: World) -> None:
    response = world.client("grid_a").get(reverse("api:watch_today"))
    assert response.status_code == 200
