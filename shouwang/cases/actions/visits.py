"""The daily visits of households in key areas (住户随访): recorded, not reached, and
the alerts they raise. Every record is audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from shouwang.core.text import day_label
from shouwang.people.models import Household, Person
from shouwang.watch.actions import (
    raise_alert,
)
from shouwang.watch.alerting import masked_name, place
from shouwang.watch.models import FEVER_FROM, Alert, FollowUp

from ..key_areas import households_to_visit, key_area_for, residents_at_home
from ..models import (
    HouseholdFinding,
    HouseholdVisit,
    KeyArea,
    SecondDayUnreached,
)


def _visit_client_id(client_id: str | uuid.UUID) -> uuid.UUID:
    try:
        return uuid.UUID(str(client_id))
    except ValueError as exc:
        raise ValidationError("缺少或无效的提交编号，请刷新页面后重试") from exc


def _replayed_visit(client_id: uuid.UUID, household: Household) -> HouseholdVisit | None:
    """The visit a tap with ``client_id`` already stored (its own row, its finding's)."""
    replayed = (
        HouseholdVisit.objects.filter(client_id=client_id).first()
        or HouseholdVisit.objects.filter(findings__client_id=client_id).first()
    )
    if replayed is not None and replayed.household_id != household.pk:
        raise ValidationError("提交编号冲突，请刷新页面后重试")
    return replayed


def _visit_key_area(*, household: Household, day: date, method: str) -> KeyArea:
    """The key area that puts ``household`` on ``day``'s visit list; refused otherwise."""
    key_area = key_area_for(household.area, day)
    if key_area is None:
        raise ValidationError("该户不在管控中的重点区域，无需住户随访")
    if not Person.objects.current().filter(household=household).exists():
        raise ValidationError("台账中该户已没有现住人员，无需随访，请刷新页面")
    if not residents_at_home().filter(household=household).exists():
        raise ValidationError(
            "该户现住人员均不在家（住院、集中隔离、已故或已离开辖区），无需随访，请刷新页面"
        )
    if method not in HouseholdVisit.Method.values:
        raise ValidationError("请选择随访方式")
    return key_area


@transaction.atomic
def record_household_visit(
    *,
    household: Household,
    client_id: str | uuid.UUID,
    method: str,
    by: Any,
    person: Person | None = None,
    temperature: Decimal | None = None,
    symptoms: Iterable[str] = (),
    note: str = "",
    now: datetime | None = None,
) -> tuple[HouseholdVisit, bool]:
    """Record today's follow-up of an inhabited household in a key area in force.
    Returns (visit, stored). One visit per household and day: a second "全户正常", or
    the same ``client_id`` sent again, stores nothing and returns the visit there. An
    attempt that found nobody earlier that day (联系不上) becomes this visit, keeping
    its time. A member with fever or symptoms is named (``person``, a current resident
    of the household) as a ``HouseholdFinding`` of the day's visit — made now if there
    is none — and raises an alert to the community and HQ; each unwell member once a
    day."""
    now = now or timezone.now()
    client_id = _visit_client_id(client_id)
    replayed = _replayed_visit(client_id, household)
    if replayed is not None:
        return replayed, False
    day = timezone.localdate(now)
    key_area = _visit_key_area(household=household, day=day, method=method)
    symptoms = list(dict.fromkeys(s for s in symptoms if s))
    if set(symptoms) - set(FollowUp.Symptom.values):
        raise ValidationError("症状选项不正确")
    if person is None and (temperature is not None or symptoms):
        raise ValidationError("请选择体温或症状异常的家庭成员")
    if person is not None:
        if person.household_id != household.pk or person.moved_out:
            raise ValidationError("所选人员不是该户的现住人员，请刷新页面")
        if not residents_at_home().filter(pk=person.pk).exists():
            raise ValidationError("所选人员不在家（住院、集中隔离、已故或已离开辖区），请刷新页面")
        if not symptoms and (temperature is None or temperature < FEVER_FROM):
            raise ValidationError("所选人员体温正常且无症状：全户正常请直接点“全户正常”")
    recorded_by = by if by is not None and by.pk else None
    note = note.strip()[:200]
    visit, stored = _visit_of_the_day(
        household=household,
        day=day,
        defaults={
            "key_area": key_area,
            "method": method,
            "abnormal": person is not None,
            "note": "" if person is not None else note,
            "client_id": client_id,
            "recorded_by": recorded_by,
            "recorded_at": now,
        },
    )
    if not visit.reached:
        visit.reached = True
        visit.method = method
        visit.note = "" if person is not None else note
        visit.client_id = client_id
        visit.recorded_by = recorded_by
        visit.recorded_at = now
        visit.save(
            update_fields=["reached", "method", "note", "client_id", "recorded_by", "recorded_at"]
        )
        stored = True
    if person is None or visit.findings.filter(person=person).exists():
        return visit, stored
    finding = HouseholdFinding.objects.create(
        visit=visit,
        person=person,
        temperature=temperature,
        symptoms=",".join(symptoms),
        note=note,
        client_id=client_id,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    if not visit.abnormal:
        visit.abnormal = True
        visit.save(update_fields=["abnormal"])
    _alert_household_finding(finding)
    return visit, True


@transaction.atomic
def record_household_unreached(
    *,
    household: Household,
    client_id: str | uuid.UUID,
    method: str,
    by: Any,
    note: str = "",
    now: datetime | None = None,
) -> tuple[HouseholdVisit, bool]:
    """Record today's attempt to follow up a household that found nobody: a knock no
    one answered, a call never picked up (联系不上). Returns (visit, stored). The
    household counts as 未联系上 — neither visited nor missed — and stays on the day's
    list for a visit later (``record_household_visit`` then turns the attempt into
    the visit). Nothing is stored over a visit or an attempt of the same day, nor for
    the same ``client_id`` again. A household not reached the day before either
    raises an alert to its community and HQ, once per household and day."""
    now = now or timezone.now()
    client_id = _visit_client_id(client_id)
    replayed = _replayed_visit(client_id, household)
    if replayed is not None:
        return replayed, False
    day = timezone.localdate(now)
    key_area = _visit_key_area(household=household, day=day, method=method)
    visit, stored = _visit_of_the_day(
        household=household,
        day=day,
        defaults={
            "key_area": key_area,
            "method": method,
            "reached": False,
            "unreached_at": now,
            "note": note.strip()[:200],
            "client_id": client_id,
            "recorded_by": by if by is not None and by.pk else None,
            "recorded_at": now,
        },
    )
    if stored:
        before = HouseholdVisit.objects.filter(household=household, day=day - timedelta(days=1))
        previous = before.unreached().first()
        if previous is not None:
            _alert_household_unreached(
                previous=previous,
                second_day=_attempt_line(visit),
                note=visit.note,
                source=visit,
                at=visit.unreached_at,
            )
    return visit, stored


def record_second_days_unreached(*, today: date | None = None, days: int = 2) -> int:
    """The ``cases_unreached`` job. A household an attempt found nobody at (联系不上) one
    day, and that nobody visited nor tried the next day, is not reached two days running,
    as one tried twice in vain: once that next day is over, record it
    (``SecondDayUnreached``) and raise the same alert. Looks at the ``days`` finished
    days before ``today``, and only at households still due a visit on them. Returns how
    many were recorded; a second run finds them recorded and adds nothing."""
    today = today or timezone.localdate()
    now = timezone.now()
    created = 0
    for day in (today - timedelta(days=n) for n in range(days, 0, -1)):
        same_day = Q(household=OuterRef("household"), day=day)
        attempts = (
            HouseholdVisit.objects.unreached()
            .on(day - timedelta(days=1))
            .filter(household__in=households_to_visit(day))
            .exclude(Exists(HouseholdVisit.objects.filter(same_day)))
            .exclude(Exists(SecondDayUnreached.objects.filter(same_day)))
            .select_related("household__area__parent")
            .order_by("pk")
        )
        end_of_day = timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))
        for attempt in attempts:
            with transaction.atomic():
                lapse, is_new = SecondDayUnreached.objects.get_or_create(
                    household=attempt.household,
                    day=day,
                    defaults={"attempt": attempt, "detected_at": now},
                )
                _alert_household_unreached(
                    previous=attempt,
                    second_day=f"{day_label(day, year=True)} 全天无随访记录",
                    source=lapse,
                    at=end_of_day,
                )
            created += is_new
    return created


def _visit_of_the_day(
    *, household: Household, day: date, defaults: dict[str, Any]
) -> tuple[HouseholdVisit, bool]:
    """The household's visit of ``day``, locked, made from ``defaults`` if none."""
    same_day = HouseholdVisit.objects.select_for_update().filter(household=household, day=day)
    visit = same_day.first()
    if visit is not None:
        return visit, False
    try:
        with transaction.atomic():
            return HouseholdVisit.objects.create(household=household, day=day, **defaults), True
    except IntegrityError:  # the same household recorded at the same moment elsewhere
        return same_day.get(), False


def _alert_household_finding(finding: HouseholdFinding) -> None:
    """Raise the alert of a member found unwell (name masked)."""
    visit, person, temperature = finding.visit, finding.person, finding.temperature
    area = visit.household.area
    what = f"体温{temperature}℃" if finding.fever else "有症状"
    details = [f"体温 {temperature}℃"] if temperature is not None else []
    if finding.symptoms:
        details.append("症状：" + "、".join(finding.symptom_labels))
    details.append(f"方式：{visit.get_method_display()}")
    if finding.note:
        details.append(f"说明：{finding.note}")
    raise_alert(
        area=area,
        kind=Alert.Kind.FEVER if finding.fever else Alert.Kind.SYMPTOM,
        title=f"重点区域住户异常：{masked_name(person.name)}{what}（{place(area)}）",
        detail="；".join(details),
        person=person,
        source=finding,
        at=finding.recorded_at,
    )


def _attempt_line(visit: HouseholdVisit) -> str:
    return (
        f"{day_label(visit.day, year=True)} {timezone.localtime(visit.unreached_at):%H:%M}"
        f"{visit.get_method_display()}未联系上"
    )


def _alert_household_unreached(
    *,
    previous: HouseholdVisit,
    second_day: str,
    source: HouseholdVisit | SecondDayUnreached,
    at: datetime,
    note: str = "",
) -> None:
    """Raise the alert of a household not reached two days running (names masked):
    ``previous`` is the first day's attempt, ``second_day`` says what the next day was.
    It names the residents expected at home (``residents_at_home``), not those moved
    out, in hospital, in central isolation or gone from the jurisdiction."""
    household = previous.household
    residents = residents_at_home().filter(household=household).order_by("pk")
    names = "、".join(masked_name(p.name) for p in residents[:5])
    details = [_attempt_line(previous), second_day]
    if names:
        details.append(f"在家人员：{names}")
    if note:
        details.append(f"说明：{note}")
    raise_alert(
        area=household.area,
        kind=Alert.Kind.OVERDUE,
        title=f"重点区域住户连续两天未联系上：{place(household.area)}{household.door}",
        detail="；".join(details),
        source=source,
        at=at,
    )
