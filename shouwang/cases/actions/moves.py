"""A household moved into a building on the ledger: the cases and contacts still worked
on move along with its persons."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from ..models import Case, CaseEvent, Contact, HouseholdVisit, SecondDayUnreached


@transaction.atomic
def follow_move_to_building(
    *, household: Any, persons: Any, compound: Any, building: Any, by: Any
) -> None:
    """The ledger moved ``household`` and its ``persons`` (registered at ``compound``
    before it had buildings) into ``building``, one of its buildings. Their open cases (疑似,
    确诊, 无症状感染者) standing at the compound move along, each with a history entry
    (its classification unchanged, so no count takes it for a change), and so do
    their contacts still to be observed or under observation: the building's pages, its
    key area and its grid hold them. Closed cases and contacts whose observation is
    over or was never due are the past and stay where they were. The alerts not handled
    yet that the household's visits raised about the household itself (连续两天未联系上:
    from a second attempt or from the ``cases_unreached`` job) move too, through
    ``watch``; those about one member found unwell name the person and follow them
    there."""
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
    _move_household_alerts(household=household, compound=compound, building=building, by=by)


def _move_household_alerts(*, household: Any, compound: Any, building: Any, by: Any) -> None:
    from shouwang.watch import actions as watch_actions
    from shouwang.watch.models import Alert

    raised_by = Q()
    for model in (HouseholdVisit, SecondDayUnreached):
        ids = model.objects.filter(household=household).values_list("pk", flat=True)
        raised_by |= Q(source_type=model._meta.label, source_id__in=[str(pk) for pk in ids])
    watch_actions.move_open_alerts(
        alerts=Alert.objects.filter(raised_by), compound=compound, building=building, by=by
    )
