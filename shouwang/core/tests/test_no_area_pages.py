"""An account bound to no area (a superuser made outside ``bootstrap``, an account whose
area was never set) sees the same 403 page in every app — 账号尚未绑定辖区, and who sets
it — rather than a 404, an empty page, a redirect or a server error. Its home page,
its own account page and the password change still open."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.core.tests.personas import World, signed_in
from shouwang.core.tests.test_route_matrix import all_classified

pytestmark = pytest.mark.django_db

NO_AREA = "您的账号尚未绑定辖区"

# A few pages of each app: lists, a form, a page of one row, an export.
PAGES = {
    "areas": ["areas:tree", "areas:grids", "areas:import", "areas:import_template"],
    "dashboard": ["dashboard:index", "dashboard:wall"],
    "reports": ["reports:index", "reports:indicators", "reports:report", "reports:bulletin"],
    "people": ["people:index", "people:import", "people:tags", "people:exports"],
    "watch": ["watch:index", "watch:today", "watch:create", "watch:stats_export"],
    "cases": ["cases:list", "cases:new", "cases:key_areas", "cases:contacts"],
    "checkpoints": ["checkpoints:list", "checkpoints:console", "checkpoints:passes"],
    "supplies": ["supplies:overview", "supplies:locations", "supplies:spending_create"],
    "accounts": ["accounts:users", "accounts:user_create"],
}


@pytest.fixture
def hq_of_nowhere(grid_b: World) -> Client:
    return signed_in(UserFactory(username="nowhere", role=Role.HQ_ADMIN, area=None))


def _address(world: World, name: str) -> str:
    route = all_classified()[name]
    return reverse(name, kwargs=route.kwargs(world) if route.kwargs else None)


def _assert_no_area(response, where: str) -> None:
    assert response.status_code == 403, f"{where} -> {response.status_code}"
    html = response.content.decode()
    assert NO_AREA in html, where
    assert "请指挥部管理员在“账号管理”中为您的账号设置所属辖区" in html


@pytest.mark.parametrize(("app", "name"), [(a, n) for a, names in PAGES.items() for n in names])
@pytest.mark.parametrize("account", ["root", "hq_of_nowhere"])
def test_each_app_says_the_account_has_no_area(
    request: pytest.FixtureRequest, grid_b: World, account: str, app: str, name: str
) -> None:
    client = request.getfixturevalue(account)
    address = _address(grid_b, name)
    _assert_no_area(client.get(address), f"GET {address}")


def test_every_guarded_page_says_so(root: Client, grid_b: World) -> None:
    """Every page that needs a capability, for GET and for POST (nothing is written)."""
    failures = []
    for name, route in sorted(all_classified().items()):
        if route.public or name.startswith("api:") or name in ("core:home",):
            continue
        if name in ("accounts:me", "accounts:password_change", "accounts:logout"):
            continue
        address = _address(grid_b, name)
        for method in ("get", "post"):
            response = getattr(root, method)(address)
            if response.status_code == 405:
                continue
            html = response.content.decode(errors="replace")
            if response.status_code != 403 or NO_AREA not in html:
                failures.append(f"{method.upper()} {address} ({name}) -> {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", ["core:home", "accounts:me", "accounts:password_change"])
def test_its_own_pages_still_open(root: Client, name: str) -> None:
    response = root.get(reverse(name))
    assert response.status_code == 200
    assert NO_AREA not in response.content.decode()
