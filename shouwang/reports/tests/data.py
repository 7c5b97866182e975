"""Rows for the reports tests: ledger rows, key persons, alerts, cases and manual
indicators at given moments."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.cases.models import Case, CaseEvent
from shouwang.people.models import Household, Person
from shouwang.reports.models import IndicatorDefinition
from shouwang.watch.models import Alert, Category, KeyPerson

#: The closed day whose counts move in the "figures moved" tests (``now`` in conftest).
MOVED_DAY = date(2026, 3, 10)


def household(area: Area, *, persons: int = 1, at: datetime | None = None) -> Household:
    n = Household.objects.count() + 1
    row = Household.objects.create(area=area, room=f"{n:03d}")
    for _ in range(persons):
        person = Person(area=area, household=row, relation=row.newcomer_relation())
        person.set_name("王五")
        person.save()
    if at is not None:
        Household.objects.filter(pk=row.pk).update(created_at=at)
        Person.objects.filter(household=row).update(created_at=at)
    return row


def key_person(area: Area, *, at: datetime, status: str = KeyPerson.Status.ACTIVE) -> KeyPerson:
    category, _ = Category.objects.get_or_create(name="湖北返回")
    person = Person(area=area)
    person.set_name("李四")
    person.save()
    row = KeyPerson.objects.create(
        person=person,
        area=area,
        category=category,
        source=KeyPerson.Source.SCREENING,
        measure=KeyPerson.Measure.HOME,
        start_date=date(2020, 2, 1),
        planned_end=date(2020, 2, 1) + timedelta(days=14),
        status=status,
    )
    KeyPerson.objects.filter(pk=row.pk).update(created_at=at, updated_at=at)
    return row


def fever(area: Area, *, at: datetime) -> Alert:
    return Alert.objects.create(area=area, kind=Alert.Kind.FEVER, title="体温37.8℃", raised_at=at)


def case(area: Area, classification: str, *, at: datetime) -> Case:
    """A case entered as ``classification`` at ``at`` (its first history row)."""
    person = Person(area=area)
    person.set_name("赵六")
    person.save()
    row = Case.objects.create(
        person=person, area=area, classification=classification, report_date=timezone.localdate(at)
    )
    CaseEvent.objects.create(case=row, at=at, to_classification=classification, reason="登记")
    return row


def manual_indicator(code: str = "leaflets") -> IndicatorDefinition:
    """An indicator HQ added for the communities to type in (no module computes it)."""
    return IndicatorDefinition.objects.create(
        code=code, label="发放宣传资料", unit="份", source=IndicatorDefinition.Source.MANUAL
    )
