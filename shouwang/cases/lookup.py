"""Finding ledger persons to attach to a case or a contact."""

from __future__ import annotations

from django.db.models import Q

from shouwang.core import pii
from shouwang.people.models import Person, PersonQuerySet

SEARCH_LIMIT = 20


def find_persons(queryset: PersonQuerySet, q: str) -> list[Person]:
    """Current persons matching a name, its pinyin initials, a full ID/phone number
    (through the lookup hashes) or their last four characters."""
    q = q.strip()
    if not q:
        return []
    condition = Q(name__icontains=q) | Q(name_initials__startswith=q.lower())
    if len(q) == 4:
        condition |= Q(doc_tail=pii.tail_hash(q)) | Q(phone_last4=q)
    if len(q) >= 8:
        condition |= Q(doc_hash=pii.lookup_hash(q)) | Q(phone_hash=pii.lookup_hash(q))
    return list(
        queryset.current()
        .filter(condition)
        .select_related("area__parent", "household__area__parent")[:SEARCH_LIMIT]
    )
