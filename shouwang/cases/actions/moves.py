"""A household moved into a building on the ledger: the cases and contacts still worked
on move along with its persons."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from ..models import Case, CaseEvent, Contact


@transaction.atomic
def follow_move_to_building(*, persons: Any, compound: Any, building: Any, by: Any) -> None:
    """The ledger moved ``persons`` (a household registered at ``compound`` before it
    had buildings) into ``building``, one of its buildings. Their open cases (疑似,
    确诊, 无症状感染者) standing at the compound move along, each with a history entry
    (its classification unchanged, so no count takes it for a change), and so do
    their contacts still to be observed or under observation: the building's pages, its
    key area and its grid hold them. Closed cases and contacts whose observation is
    over or was never due are the past and stay where they were."""
    where = [compound.name, f"{compound.name}{building.name}"]
    cases = list(
        Case.objects.select_for_update()
        .open()
        .filter(person__in=persons, area=compound)
        .order_by("pk")
    )
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        area=building, updated_at=timezone.now()
    )
    for case in cases:
        CaseEvent.objects.create(
            case=case,
            by=by,
            from_classification=case.classification,
            to_classification=case.classification,
            changes={"所属辖区": where},
            reason="户移到楼栋",
        )
        audit.record(
            action=AuditEvent.Action.UPDATE,
            user=by,
            obj=case,
            detail=f"所属辖区：{where[0]} → {where[1]}（户移到楼栋）",
        )
    at_compound = Contact.objects.filter(person__in=persons, area=compound)
    live = Q(pk__in=at_compound.pending().values("pk")) | Q(
        pk__in=at_compound.under_observation().values("pk")
    )
    contacts = list(Contact.objects.select_for_update().filter(live).order_by("pk"))
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(
        area=building, updated_at=timezone.now()
    )
    for contact in contacts:
        audit.record(
            action=AuditEvent.Action.UPDATE,
            user=by,
            obj=contact,
            detail=f"所属辖区：{where[0]} → {where[1]}（户移到楼栋）",
        )
