"""Printed pass cards, issued and revoked by staff."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.people.models import Person

from ..models import Pass


class CardRefused(Exception):
    """A card form that cannot be taken; the message is for staff."""


@transaction.atomic
def issue_card(
    *, person: Person, by: Any, client_id: uuid.UUID | None = None, valid_until: Any = None
) -> Pass:
    """Issue a printed card. The form carries the id its page was drawn with, as every
    staff write does: the same form sent twice (a double click, a retry after a lost
    answer) returns the card it issued, so one person never gets two cards from one
    click. Another form (a new page) issues another card, as staff asked."""
    if client_id is not None:
        earlier = _issued_with(client_id, person)
        if earlier is not None:
            return earlier
    try:
        with transaction.atomic():  # the form's other click may be committing meanwhile
            card = Pass.objects.create(
                person=person,
                kind=Pass.Kind.CARD,
                issued_by=by,
                valid_until=valid_until,
                client_id=client_id,
            )
    except IntegrityError:
        earlier = _issued_with(client_id, person) if client_id is not None else None
        if earlier is None:
            raise
        return earlier
    audit.record(action=AuditEvent.Action.CREATE, user=by, obj=card, detail="发放纸质出入证")
    return card


def _issued_with(client_id: uuid.UUID, person: Person) -> Pass | None:
    earlier = Pass.objects.filter(client_id=client_id).first()
    if earlier is not None and earlier.person_id != person.pk:
        # The page's id was used for someone else (another number typed after going back).
        raise CardRefused("页面已过期，请刷新后重新提交")
    return earlier


@transaction.atomic
def revoke_pass(*, pass_: Pass, by: Any) -> Pass:
    if pass_.revoked_at is None:
        pass_.revoke(by=by)
        audit.record(action=AuditEvent.Action.STATUS, user=by, obj=pass_, detail="吊销出入证")
    return pass_
