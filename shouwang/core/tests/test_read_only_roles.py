"""The read-only roles write nothing: the leader (领导) and the auditor (审计员).

Every URL pattern of the project (the resolver walk of ``test_route_matrix``, arguments
from each app's ``tests/routes.py``) is sent POST, PUT, PATCH and DELETE, empty, as a
leader and as an auditor, both at the sub-district. Each must answer 403 (the role may
not) or 405 (the view does not take the method) — never a page, a redirect after a
write, a form's 400 or a server error — and no table may change: every row of every
model is the same before and after.

Allowed, and so not walked:

- ``accounts:login``, ``accounts:logout``, ``accounts:password_change``: signing in and
  out and changing one's own password are every account's;
- Django's admin (``backoffice/``): a read-only account is not ``is_staff``, Django
  sends it to the login page (checked below, with no write either).

Allowed, still walked (any status but a server error, and no table changed):

- the public routes (``Route(public=True)``): the resident's phone pages (scan, register,
  forget the pass on this phone) and the API's root; they are anyone's, signed in or
  not, and what they store is the resident's own (any method);
- the reads that take a POST — ``people:index`` and ``watch:index`` take their search by
  POST (long filters), ``people:export`` and ``watch:export`` download the filtered,
  masked list; ``people:export_delete`` deletes one's own export file (a large masked
  export runs in the background and is kept for its owner only).

Left out of the comparison: ``accounts.AuditEvent``, where each refusal is itself
recorded (a DENIED row, the audit log's job), and Django's sessions.
"""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.core.tests.personas import World, signed_in
from shouwang.core.tests.test_route_matrix import all_classified

pytestmark = pytest.mark.django_db

ALLOWED = {"accounts:login", "accounts:logout", "accounts:password_change"}
READS_BY_POST = {
    "people:index",
    "people:export",
    "people:export_delete",
    "watch:index",
    "watch:export",
}
UNSAFE = ("post", "put", "patch", "delete")
NOT_COMPARED = {"accounts.auditevent", "sessions.session"}
ROUTES = sorted(set(all_classified()) - ALLOWED)


def snapshot() -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows."""
    tables: dict[str, tuple[int, str]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_COMPARED or not model._meta.managed:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        tables[label] = (len(rows), digest)
    return tables


def changed(before: dict, after: dict) -> list[str]:
    return [
        f"{label}: {before[label][0]} -> {after[label][0]} rows"
        + ("" if before[label][0] != after[label][0] else " (a row changed)")
        for label in before
        if before[label] != after[label]
    ]


def test_the_walk_covers_the_project() -> None:
    assert len(ROUTES) > 200


@pytest.mark.parametrize("persona", ["leader", "auditor"])
def test_a_read_only_role_writes_nothing(grid_b: World, persona: str) -> None:
    user = grid_b.user(persona)
    assert user.is_read_only
    failures = []
    for name in ROUTES:
        route = all_classified()[name]
        address = reverse(name, kwargs=route.kwargs(grid_b) if route.kwargs else None)
        client = signed_in(user)
        before = snapshot()
        for method in UNSAFE:
            response = getattr(client, method)(address)
            may = route.public or (method == "post" and name in READS_BY_POST)
            if may and response.status_code < 500:
                continue
            if response.status_code not in (403, 405):
                failures.append(f"{method.upper()} {address} ({name}) -> {response.status_code}")
        if diff := changed(before, snapshot()):
            failures.append(f"{address} ({name}) wrote: {'; '.join(diff)}")
    assert not failures, f"{persona}:\n" + "\n".join(failures)


@pytest.mark.parametrize("persona", ["leader", "auditor"])
def test_a_refusal_is_in_chinese_and_audited(grid_b: World, persona: str) -> None:
    client = grid_b.client(persona)
    response = client.post(reverse("people:import"))
    assert response.status_code == 403
    assert "没有" in response.content.decode()
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, user=grid_b.user(persona))
    assert denied.exists()


@pytest.mark.parametrize("persona", ["leader", "auditor"])
def test_the_back_office_sends_a_read_only_role_to_sign_in(grid_b: World, persona: str) -> None:
    client = grid_b.client(persona)
    before = snapshot()
    response = client.post(reverse("admin:accounts_user_add"), {"username": "x"})
    assert response.status_code == 302
    assert changed(before, snapshot()) == []
