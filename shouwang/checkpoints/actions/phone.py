"""The resident's phone: the remembered passes, the one-tap self-scan and the
first-time registration."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core import pii
from shouwang.core.text import name_key
from shouwang.people import actions as people_actions
from shouwang.people.documents import DocumentError
from shouwang.people.models import Household, Person
from shouwang.watch.actions import (
    active_key_person_sql,
)

from .. import tokens
from ..declarations import Declaration
from ..models import FEVER_THRESHOLD, CheckIn, Checkpoint, Pass
from .checkins import CheckInRefused, Recorded, check_open, community_of, record_checkin

PHONE_FULL = (
    f"本机最多保存{tokens.PHONE_PASSES}人的登记信息，已满。"
    "要为另一人登记，请选择由新登记的人替换本机保存的哪一位"
)


class PhoneFull(CheckInRefused):
    """The phone holds PHONE_PASSES persons and the registration is for none of them."""

    def __init__(self) -> None:
        super().__init__(PHONE_FULL)


_PASS_COLUMNS = [
    f.attname for f in Pass._meta.concrete_fields if f.name not in ("created_at", "updated_at")
]
# In model field order: Model.from_db maps a partial row onto the fields in that order.
_PERSON_COLUMNS = [
    f.attname
    for f in Person._meta.concrete_fields
    if f.attname in ("id", "name", "area_id", "household_id")
]


def _pass_query(codes: list[str]) -> tuple[str, list[Any]]:
    """The phone's passes with their persons and, in the same round trip, whether each
    person is an active key person (the check-in's rules ask next). Only model
    metadata is interpolated; values are bound parameters."""
    qn = connection.ops.quote_name
    key_person, key_params = active_key_person_sql("r.id")
    columns = ", ".join(
        [
            *(f"p.{qn(c)}" for c in _PASS_COLUMNS),
            *(f"r.{qn(c)}" for c in _PERSON_COLUMNS),
            key_person,
        ]
    )
    tables = f"{qn(Pass._meta.db_table)} p JOIN {qn(Person._meta.db_table)} r"
    code = f"p.code IN ({', '.join(['%s'] * len(codes))})" if len(codes) > 1 else "p.code = %s"
    sql = f"SELECT {columns} FROM {tables} ON r.id = p.person_id WHERE {code} AND p.kind = %s"  # noqa: S608
    return sql, [*key_params, *codes, Pass.Kind.PHONE]


def _pass_of_row(row: tuple) -> Pass:
    n, m = len(_PASS_COLUMNS), len(_PERSON_COLUMNS)
    found = Pass.from_db(connection.alias, _PASS_COLUMNS, row[:n])
    found.person = Person.from_db(connection.alias, _PERSON_COLUMNS, row[n : n + m])
    found.person.active_key_person_id = row[n + m]
    return found


def remembered_pass(code: str | None) -> Pass | None:
    """The phone's pass with its person, or None if missing, revoked or expired.

    This runs on every repeat scan, the hottest request of the system: one hand-written
    join instead of the ORM's select_related (0.08 ms against 0.8 ms of CPU measured),
    loading only the person's columns a check-in needs."""
    if not code:
        return None
    with connection.cursor() as cursor:
        cursor.execute(*_pass_query([code]))
        row = cursor.fetchone()
    if row is None:
        return None
    found = _pass_of_row(row)
    return found if found.is_usable() else None


def remembered_passes(codes: list[str]) -> list[Pass]:
    """The phone's usable passes with their persons, in the order the phone keeps them
    (first registered first), in one query whatever their number."""
    if not codes:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*_pass_query(codes))
        found = {p.code: p for p in map(_pass_of_row, cursor.fetchall())}
    return [found[c] for c in codes if c in found and found[c].is_usable()]


def family_home(pass_: Pass, *, checkpoint: Checkpoint) -> Household | None:
    """The household of the phone's first person, to fill in when a family member is
    registered: only a resident's home in this checkpoint's community (a visitor's or
    another community's address would be a wrong guess)."""
    if pass_.visitor or pass_.person.household_id is None:
        return None
    home = Household.objects.select_related("area").filter(pk=pass_.person.household_id).first()
    if home is None or not home.area.is_within(community_of(checkpoint.area)):
        return None
    return home


def self_checkin(
    *,
    checkpoint: Checkpoint,
    pass_: Pass,
    direction: str,
    client_id: uuid.UUID,
    declaration: Declaration,
    risk_is_new: bool = False,
) -> Recorded:
    """The one-tap self-scan with the health declaration made on its page, recorded
    as declared until staff at the post confirm it. ``risk_is_new``: risky travel or
    contact declared afresh (not carried from the last declaration) makes a lead."""
    check_open(checkpoint)
    return record_checkin(
        checkpoint=checkpoint,
        client_id=client_id,
        direction=direction,
        source=CheckIn.Source.SELF,
        status=CheckIn.Status.DECLARED,
        person=pass_.person,
        pass_=pass_,
        visitor=pass_.visitor,
        declaration=declaration,
        risk_is_new=risk_is_new,
    )


@dataclass(frozen=True)
class Registration:
    name: str
    doc_type: str
    doc_number: str
    phone: str
    visitor: bool
    building: Area | None
    unit: str
    room: str
    visiting: str
    visit_reason: str
    fever: bool
    cough: bool
    other_symptoms: str
    risk_travel: bool
    risk_contact: bool
    temperature: Decimal | None
    direction: str

    def declaration(self, today: date) -> Declaration:
        """The answers as a declaration; a temperature the resident typed at 37.3 ℃ or
        more is a declared fever — what they say, not what a thermometer at the post
        showed (that is the staff's measurement)."""
        declared = Declaration.answered(self, today)
        if self.temperature is not None and self.temperature >= FEVER_THRESHOLD:
            return replace(declared, fever=True)
        return declared

    @property
    def note(self) -> str:
        return f"自报体温 {self.temperature}℃" if self.temperature is not None else ""


def _ledger_person(reg: Registration) -> Person | None:
    """The ledger's person with this document, if any."""
    found = Person.objects.with_document(reg.doc_number).select_related("area").first()
    # A number alone is not who you are: someone who knows another's ID number must not
    # get that person's pass (nor learn their status from the result page).
    if found is not None and name_key(found.name) != name_key(reg.name):
        raise CheckInRefused("姓名与台账中该证件号码登记的姓名不一致，请核对，或请卡点工作人员协助")
    return found


# A post in no community (a road post of the sub-district itself) has no community to
# add a visitor to: its registration form offers residents only and says this first.
NO_VISITORS = "本卡点不属于任何社区，外来人员请向值守人员出示证件登记"


def _add_person(checkpoint: Checkpoint, reg: Registration) -> Person:
    """A person not in the ledger, added marked self-registered."""
    identity = {"name": reg.name, "doc_type": reg.doc_type, "doc_number": reg.doc_number}
    if reg.visitor or reg.building is None:
        community = checkpoint.area.ancestor_of_kind(Area.Kind.COMMUNITY)
        if community is None:  # a road or highway post of the sub-district itself
            raise CheckInRefused(NO_VISITORS)
        return people_actions.create_person(
            **identity,
            phone=reg.phone,
            area=community,
            fields={
                "residence_type": Person.ResidenceType.FLOATING,
                "notes": "访客，卡点扫码自助登记",
            },
            by=None,
            note="卡点扫码自助登记（访客）",
        )
    household = people_actions.household_at(
        area=reg.building, unit=reg.unit, room=reg.room, by=None
    )
    return people_actions.create_person(
        **identity,
        phone=reg.phone,
        household=household,
        fields={"notes": "卡点扫码自助登记，待核实"},
        by=None,
        note="卡点扫码自助登记",
    )


def _check_room(held: Sequence[Pass], person: Person | None, replacing: Pass | None) -> None:
    """A full phone takes a registration only for someone it already holds, or in the
    place of the pass it gives up (``replacing``)."""
    kept = [p for p in held if replacing is None or p.code != replacing.code]
    if len(kept) >= tokens.PHONE_PASSES and (
        person is None or all(p.person_id != person.pk for p in held)
    ):
        raise PhoneFull


def register(
    *,
    checkpoint: Checkpoint,
    reg: Registration,
    client_id: uuid.UUID,
    held: Sequence[Pass] = (),
    replacing: Pass | None = None,
) -> tuple[Pass, Recorded]:
    """A registration on a phone holding the passes ``held``: find or add the person,
    keep the declaration on a phone pass, and record this first passage. Someone the
    phone already holds is registered again on their pass; someone else, only while the
    phone holds fewer than PHONE_PASSES, or in the place of ``replacing`` (one of
    ``held``, which the phone gives up; the pass itself stays valid). PhoneFull is
    raised before anything is written."""
    check_open(checkpoint)
    if reg.building is not None and not reg.building.is_within(community_of(checkpoint.area)):
        raise CheckInRefused("所选楼栋不属于本卡点所在社区")
    with transaction.atomic():
        # A double tap on a slow network sends the form twice at once. The second waits
        # here for the first and then finds its passage: unserialized, both added the
        # same new person to the ledger (PostgreSQL) or collided on a new household.
        home = reg.building if reg.building is not None else community_of(checkpoint.area)
        list(Area.objects.select_for_update(no_key=True).filter(pk=home.pk).values("pk"))
        existing = (
            CheckIn.objects.sent_with(client_id, around=timezone.now())
            .select_related("pass_used__person")
            .first()
        )
        if existing is not None and existing.pass_used is not None:
            # A resent form gets its pass again; the same id with another person's
            # document (a replayed form) gets nothing.
            if existing.pass_used.person.doc_hash != pii.lookup_hash(reg.doc_number):
                raise CheckInRefused("此登记已提交过，请重新扫码填写")
            _check_room(held, existing.pass_used.person, replacing)
            return existing.pass_used, Recorded(existing, created=False)
        try:
            person = _ledger_person(reg)
            _check_room(held, person, replacing)
            if person is None:
                person = _add_person(checkpoint, reg)
        except DocumentError as exc:
            raise CheckInRefused(str(exc)) from exc
        except ValidationError as exc:
            raise CheckInRefused("；".join(exc.messages)) from exc
        pass_ = next((p for p in held if p.person_id == person.pk), None)
        if pass_ is not None:
            pass_.person = person
            pass_.register_again(reg)
        else:
            pass_ = Pass.objects.create(
                person=person,
                kind=Pass.Kind.PHONE,
                registered_at=checkpoint,
                **{name: getattr(reg, name) for name in Pass.REGISTRATION_FIELDS},
            )
        recorded = record_checkin(
            checkpoint=checkpoint,
            client_id=client_id,
            direction=reg.direction,
            source=CheckIn.Source.SELF,
            status=CheckIn.Status.DECLARED,
            person=person,
            pass_=pass_,
            visitor=reg.visitor,
            note=reg.note,
            risk_is_new=True,
            declaration=reg.declaration(timezone.localdate()),
        )
    return pass_, recorded
