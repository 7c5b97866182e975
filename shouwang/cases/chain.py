"""The transmission chain around a case: case → contacts → their own cases → …"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Case, Contact

MAX_DEPTH = 4  # cases below the root shown in the chain


@dataclass
class ContactNode:
    # None: a close contact outside the viewer's jurisdiction, shown masked only to
    # hold the 次密接 the viewer may see (never as contacts of the case itself).
    contact: Contact | None
    case: Case | None = None  # the contact's own case, if they became one
    contacts: list[ContactNode] = field(default_factory=list)  # that case's contacts
    secondary: list[ContactNode] = field(default_factory=list)  # 次密接 via this contact


@dataclass
class Chain:
    root: Case
    sources: list[Contact]  # where the root case was a contact of another case
    open_sources: set[int]  # the ids of those cases the viewer may open
    contacts: list[ContactNode]
    hidden: int  # contacts outside the viewer's jurisdiction (counted, not shown)


def chain_for(case: Case, user: Any) -> Chain:
    """The chain visible to ``user``, breadth first: one query for contacts and one
    for cases per level."""
    seen_cases = {case.pk}
    sources = list(
        Contact.objects.visible_to(user)
        .filter(person_id=case.person_id)
        .select_related("case__person")
    )
    open_sources = set(
        Case.objects.visible_to(user)
        .filter(pk__in={s.case_id for s in sources})
        .values_list("pk", flat=True)
    )
    hidden = 0
    level = {case.pk: []}  # case id -> list to fill with its contact nodes
    root_nodes: list[ContactNode] = level[case.pk]
    for _depth in range(MAX_DEPTH + 1):
        if not level:
            break
        all_contacts = Contact.objects.filter(case_id__in=level)
        visible = list(
            all_contacts.visible_to(user).with_own_case().select_related("person", "key_person")
        )
        hidden += all_contacts.count() - len(visible)
        cases = {
            c.person_id: c
            for c in Case.objects.visible_to(user)
            .filter(person_id__in=[x.person_id for x in visible])
            .select_related("person")
        }
        nodes = {x.pk: ContactNode(contact=x) for x in visible}
        masked: dict[int, ContactNode] = {}  # hidden close contact id -> its placeholder
        next_level: dict[int, list[ContactNode]] = {}
        for x in visible:
            node = nodes[x.pk]
            parent = nodes.get(x.via_id) if x.via_id else None
            if x.via_id and parent is None:
                parent = masked.get(x.via_id)
                if parent is None:
                    parent = masked[x.via_id] = ContactNode(contact=None)
                    level[x.case_id].append(parent)
            (parent.secondary if parent else level[x.case_id]).append(node)
            own = cases.get(x.person_id)
            if own is not None and own.pk not in seen_cases:
                seen_cases.add(own.pk)
                node.case = own
                next_level[own.pk] = node.contacts
        level = next_level
    return Chain(
        root=case,
        sources=sources,
        open_sources=open_sources,
        contacts=root_nodes,
        hidden=hidden,
    )
