"""Printed pass cards, issued and revoked by staff."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.people.models import Person

from ..models import Pass


@transaction.atomic
def issue_card(*, person: Person, by: Any, valid_until: Any = None) -> Pass:
    card = Pass.objects.create(
        person=person, kind=Pass.Kind.CARD, issued_by=by, valid_until=valid_until
    )
    audit.record(action=AuditEvent.Action.CREATE, user=by, obj=card, detail="发放纸质出入证")
    return card


@transaction.atomic
def revoke_pass(*, pass_: Pass, by: Any) -> Pass:
    if pass_.revoked_at is None:
        pass_.revoke(by=by)
        audit.record(action=AuditEvent.Action.STATUS, user=by, obj=pass_, detail="吊销出入证")
    return pass_
