"""A role without the capability of an API write is refused before its body is read.

The batch uploads (check-ins, follow-ups) checked the capability inside the endpoint,
after Ninja had validated the body: a leader or an auditor sending an empty or
malformed batch got 400 or 422 (as if a corrected body would be taken) instead of 403.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.core.tests.personas import World

pytestmark = pytest.mark.django_db

BATCHES = {
    "api:checkins_batch": "您的角色没有卡点值守权限",
    "api:watch_followups_batch": "您的角色没有随访权限",
}


@pytest.mark.parametrize("persona", ["leader", "auditor"])
@pytest.mark.parametrize("name", sorted(BATCHES))
@pytest.mark.parametrize("body", ["", "{}", "not json", '{"items": []}'])
def test_it_refuses_a_read_only_role_whatever_the_body(
    world: World, persona: str, name: str, body: str
) -> None:
    client = world.client(persona)
    response = client.post(reverse(name), body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == BATCHES[name]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, user=world.user(persona), detail__contains=reverse(name)
    ).exists()


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_a_role_that_may_still_gets_the_body_checked(world: World, name: str) -> None:
    client = world.client("hq")
    response = client.post(reverse(name), "{}", content_type="application/json")
    assert response.status_code == 422
