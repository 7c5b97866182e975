"""Rows for checkpoint tests: checkpoints, ledger persons, passes and check-ins."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.people.documents import check_char
from shouwang.people.models import Household, Person
from shouwang.watch.models import Category, KeyPerson

from ..models import CheckIn, Checkpoint, Pass

_seq = itertools.count(1)


def id_number(born: str = "19900101") -> str:
    first17 = f"410105{born}{next(_seq) % 1000:03d}"
    return first17 + check_char(first17)


def registration(world: Any, **overrides: Any) -> dict[str, Any]:
    """The first-scan registration form (首次扫码登记) as a resident of building A
    fills it in, with ``overrides`` over it."""
    return {
        "client_id": str(uuid.uuid4()),
        "name": "王小明",
        "doc_type": "id_card",
        "doc_number": id_number(),
        "phone": "13912345678",
        "kind": "resident",
        "building": world.building_a.pk,
        "unit": "1",
        "room": "302",
        "direction": "in",
    } | overrides


def make_checkpoint(area: Area, name: str | None = None, **fields: Any) -> Checkpoint:
    return Checkpoint.objects.create(
        area=area, name=name or f"{area.name}东门{next(_seq)}", **fields
    )


def make_person(
    building: Area, name: str = "张三", *, room: str = "101", phone: str = ""
) -> Person:
    household, _ = Household.objects.get_or_create(area=building, unit="", room=room)
    person = Person(area=building, household=household, relation=household.newcomer_relation())
    person.set_name(name)
    person.set_document("id_card", id_number())
    if phone:
        person.set_phone(phone)
    person.save()
    return person


def make_pass(person: Person, **fields: Any) -> Pass:
    return Pass.objects.create(person=person, **fields)


def make_checkin(checkpoint: Checkpoint, **fields: Any) -> CheckIn:
    values = {
        "client_id": uuid.uuid4(),
        "direction": CheckIn.Direction.IN,
        "source": CheckIn.Source.STAFF,
        "status": CheckIn.Status.CONFIRMED,
        "result": CheckIn.Result.GREEN,
        "at": timezone.now(),
        "area_id": checkpoint.area_id,
        **fields,
    }
    return CheckIn.objects.create(checkpoint=checkpoint, **values)


def observe(person: Person, measure: str = KeyPerson.Measure.HOME) -> KeyPerson:
    category, _ = Category.objects.get_or_create(name="密切接触者")
    today = timezone.localdate()
    return KeyPerson.objects.create(
        person=person,
        area=person.area,
        category=category,
        source=KeyPerson.Source.SCREENING,
        measure=measure,
        start_date=today,
        planned_end=today + timedelta(days=14),
    )
