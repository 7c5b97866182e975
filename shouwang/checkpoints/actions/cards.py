"""Printed pass cards, issued and revoked by staff."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.people.models import Person

from ..models import Pass


class CardRefused(Exception):
    """A card form that cannot be taken; the message is for staff."""


@dataclass(frozen=True)
class IssuedCard:
    card: Pass
    replaced: int = 0  # the person's earlier valid cards, revoked by this one


@transaction.atomic
def issue_card(
    *, person: Person, by: Any, client_id: uuid.UUID | None = None, valid_until: Any = None
) -> IssuedCard:
    """Issue a printed card. The form carries the id its page was drawn with, as every
    staff write does: the same form sent twice (a double click, a retry after a lost
    answer) returns the card it issued, so one person never gets two cards from one
    click. Another form (a new page) issues a new card — 补发, for a card lost or worn
    out — and revokes the person's earlier valid cards: a lost card must not keep
    opening gates. One person's cards are issued one at a time (their person row is
    locked), so two staff issuing at once leave one valid card."""
    if client_id is not None:
        earlier = _issued_with(client_id, person)
        if earlier is not None:
            return IssuedCard(earlier)
    Person.objects.select_for_update().get(pk=person.pk)
    if client_id is not None:
        earlier = _issued_with(client_id, person)  # the other click, committed meanwhile
        if earlier is not None:
            return IssuedCard(earlier)
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
        return IssuedCard(earlier)
    audit.record(action=AuditEvent.Action.CREATE, user=by, obj=card, detail="发放纸质出入证")
    earlier_cards = [
        old
        for old in Pass.objects.filter(person=person, kind=Pass.Kind.CARD)
        .usable()
        .exclude(pk=card.pk)
        if old.is_usable()
    ]
    for old in earlier_cards:
        old.revoke(by=by)
        audit.record(
            action=AuditEvent.Action.STATUS, user=by, obj=old, detail="补发纸质出入证，原证吊销"
        )
    return IssuedCard(card, replaced=len(earlier_cards))


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
