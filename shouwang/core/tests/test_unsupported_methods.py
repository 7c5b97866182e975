"""Every page answers a method it does not take with 405 and an ``Allow`` header.

A view that shows a form on GET and handles it on POST, or takes a search by POST,
answered PUT, DELETE and PATCH as if they were GET or POST (the page, a redirect after
a write, or a 500). Walked over every route the apps classify, as the persona who may
use it: PUT, DELETE and PATCH get 405 (or 403/404 for a row or page the persona may not
reach), never a page, a redirect or a server error.
"""

from __future__ import annotations

import pytest
from django.urls import URLResolver, get_resolver, reverse

from shouwang.core.tests.personas import World
from shouwang.core.tests.test_route_matrix import all_classified

pytestmark = pytest.mark.django_db

ROUTES = sorted(all_classified())
METHODS = ("put", "delete", "patch")


@pytest.mark.parametrize("name", ROUTES)
def test_it_refuses_methods_it_does_not_take(grid_b: World, name: str) -> None:
    route = all_classified()[name]
    address = reverse(name, kwargs=route.kwargs(grid_b) if route.kwargs else None)
    client = grid_b.client("anonymous" if route.public else route.reader)
    failures = []
    for method in METHODS:
        response = getattr(client, method)(address)
        status = response.status_code
        if status == 405:
            allowed = {m.strip() for m in response.get("Allow", "").split(",") if m.strip()}
            if not allowed or method.upper() in allowed:
                failures.append(f"{method.upper()} {address}: 405 with Allow {allowed}")
        elif status not in (403, 404):
            failures.append(f"{method.upper()} {address} ({name}) -> {status}")
    assert not failures, "\n".join(failures)


def _names_its_methods(view: object) -> bool:
    """Whether ``require_http_methods`` (or ``require_POST``, ``require_safe``, which are
    built on it) wraps the view: its check closes over ``request_method_list``."""
    while view is not None:
        code = getattr(view, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_every_page_names_the_methods_it_takes() -> None:
    """Also the views the walk above meets only as a 403 or 404 (a page whose reader
    may not open it, a link that is no longer valid). The API's operations (Django
    Ninja answers each method it lacks with 405 itself) and Django's admin are left
    out."""
    unnamed = []

    def walk(patterns, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace not in ("admin", "api"):
                    walk(p.url_patterns, p.namespace or namespace)
            elif not _names_its_methods(p.callback):
                unnamed.append(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns, None)
    assert not unnamed, (
        f"decorate with require_safe, require_POST or require_http_methods: {unnamed}"
    )
