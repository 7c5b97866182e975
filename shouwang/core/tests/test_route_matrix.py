"""Walk every URL pattern as every persona, GET and POST.

No 500 anywhere; no read or write across jurisdictions; anonymous users are sent to
the login page except on routes declared public; a route that answers GET and HEAD only
is marked ``read_only`` (test_read_only_routes checks each one so marked). A route that no app's
``tests/routes.py`` classifies fails the test.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import shouwang
from shouwang.core.tests.matrix import Route
from shouwang.core.tests.personas import PERSONAS, World

SKIPPED_NAMESPACES = {"admin"}  # the Django admin: Django's own tests cover it
PERSONAS_OF_A = ["staff_a", "grid_a", "guard_a"]


def all_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace
                if ns in SKIPPED_NAMESPACES:
                    continue
                walk(p.url_patterns, f"{namespace}:{ns}" if namespace and ns else ns or namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


def all_classified() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for module in pkgutil.iter_modules(shouwang.__path__):
        try:
            mod = importlib.import_module(f"shouwang.{module.name}.tests.routes")
        except ModuleNotFoundError:
            continue
        routes.update(mod.ROUTES)
    return routes


def test_every_route_is_classified() -> None:
    unclassified = all_route_names() - set(all_classified())
    assert not unclassified, f"classify these routes in <app>/tests/routes.py: {unclassified}"


def test_no_classification_is_stale() -> None:
    stale = set(all_classified()) - all_route_names()
    assert not stale, f"these classified routes no longer exist: {stale}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_route_matrix(persona: str, grid_b: World) -> None:
    world = grid_b
    failures = []
    for name, route in sorted(all_classified().items()):
        url = reverse(name, kwargs=route.kwargs(world) if route.kwargs else None)
        for method in ("get", "post"):
            client = world.client(persona)
            response = getattr(client, method)(url)
            status = response.status_code
            where = f"{method.upper()} {url} ({name}) as {persona} -> {status}"
            if status >= 500:
                failures.append(f"server error: {where}")
            elif status == 405 and response.get("Allow") == "GET, HEAD" and not route.read_only:
                failures.append(f"answers GET and HEAD only, mark it read_only: {where}")
            elif persona == "anonymous" and not route.public:
                login = response.get("Location", "").startswith(reverse("accounts:login"))
                if not ((status == 302 and login) or status in (401, 405)):
                    failures.append(f"anonymous not sent to login: {where}")
            elif persona in PERSONAS_OF_A and route.in_b and status not in (403, 404, 405):
                failures.append(f"crossed jurisdiction: {where}")
    assert not failures, "\n".join(failures)
