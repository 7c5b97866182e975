"""Check-in workflows: the resident's self-scan and registration, staff at the post,
passes, and their side effects (alerts and leads through ``shouwang.watch.actions``).

Every write carries a client id (a UUID from the phone's page or the batch upload).
The row is inserted optimistically; a repeated id hits the unique constraint and the
first row is returned, so a retry never doubles a record.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import SEGMENT, Area
from shouwang.cases.key_areas import active_key_areas
from shouwang.core import pii, rows
from shouwang.core.text import name_key
from shouwang.people import actions as people_actions
from shouwang.people.documents import DocumentError
from shouwang.people.models import Household, Person
from shouwang.watch.actions import (
    active_key_person,
    active_key_person_sql,
    create_lead,
    key_person_by_id,
    raise_alert,
)
from shouwang.watch.alerting import masked_name
from shouwang.watch.models import Alert, KeyPerson

from . import tokens
from .declarations import Declaration, last_declaration, of_checkin
from .models import FEVER_THRESHOLD, CheckIn, Checkpoint, Pass, PassRule, Visit
from .rules import GREEN, RED, Facts, Verdict, is_milder, judge

RULE_CACHE_SECONDS = 30
_rule_cache: dict[str, tuple[float, PassRule]] = {}
DEFAULT_RULE = PassRule(visitors=PassRule.Visitors.REGISTERED, outing_quota=None)


class CheckInRefused(ValueError):
    """The message says, in Chinese, why nothing was recorded."""


PHONE_FULL = (
    f"本机最多保存{tokens.PHONE_PASSES}人的登记信息，已满。"
    "要为另一人登记，请选择由新登记的人替换本机保存的哪一位"
)


class PhoneFull(CheckInRefused):
    """The phone holds PHONE_PASSES persons and the registration is for none of them."""

    def __init__(self) -> None:
        super().__init__(PHONE_FULL)


@dataclass
class Recorded:
    checkin: CheckIn
    created: bool
    # A staff scan that confirmed the person's pending self-scan instead of adding a row.
    confirmed: bool = False


def rule_for(area: Area) -> PassRule:
    """The nearest rule on ``area`` or its ancestors (cached per process for 30 s, so
    a rule change reaches every server process within half a minute)."""
    hit = _rule_cache.get(area.path)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    prefixes = [area.path[: i * SEGMENT] for i in range(1, len(area.path) // SEGMENT + 1)]
    rule = (
        PassRule.objects.filter(area__path__in=prefixes).order_by("-area__depth").first()
        or DEFAULT_RULE
    )
    _rule_cache[area.path] = (now + RULE_CACHE_SECONDS, rule)
    return rule


_key_area_cache: list[tuple[float, dict[int, tuple[int, str]]]] = []


def key_area_level(*area_ids: int | None) -> str | None:
    """The level of the strictest key area in force covering any of the areas. The
    areas under marks in force are read once per process every 30 s, like the rules."""
    now = time.monotonic()
    if not _key_area_cache or _key_area_cache[0][0] <= now:
        covered: dict[int, tuple[int, str]] = {}
        for mark in active_key_areas():
            for area_id in Area.objects.within(mark.area).values_list("pk", flat=True):
                covered[area_id] = max(covered.get(area_id, (0, "")), (mark.rank, mark.level))
        _key_area_cache[:] = [(now + RULE_CACHE_SECONDS, covered)]
    covered = _key_area_cache[0][1]
    found = [covered[a] for a in area_ids if a in covered]
    return max(found)[1] if found else None


def clear_rule_cache() -> None:
    """Forget cached rules, key areas and checkpoints (after an edit in this process;
    tests)."""
    _rule_cache.clear()
    _checkpoint_cache.clear()
    _key_area_cache.clear()


def _community(area: Area) -> Area:
    return area.ancestor_of_kind(Area.Kind.COMMUNITY) or area


def _outings_today(person: Person) -> int:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    members = Person.objects.filter(household_id=person.household_id).values("pk")
    return CheckIn.objects.filter(person_id__in=members, at__gte=start).outings().count()


def _facts(
    *,
    checkpoint: Checkpoint,
    direction: str,
    person: Person | None,
    key_person: KeyPerson | None,
    declaration: Declaration | None,
    temperature: Decimal | None,
    visitor: bool,
    visitor_registered: bool,
    risk_is_new: bool,
) -> Facts:
    rule = rule_for(checkpoint.area)
    has_household = person is not None and person.household_id is not None and not visitor
    quota = rule.outing_quota
    outings = (
        _outings_today(person)
        if has_household and quota is not None and direction == CheckIn.Direction.OUT
        else 0
    )
    return Facts(
        direction=direction,
        key_person_measure=key_person.measure if key_person is not None else None,
        temperature=temperature,
        declared_fever=declaration is not None and declaration.fever,
        symptoms=declaration is not None and declaration.has_symptoms,
        risk=declaration is not None and declaration.has_risk,
        risk_is_new=risk_is_new,
        visitor=visitor,
        visitor_registered=visitor_registered,
        visitor_policy=rule.visitors,
        has_household=has_household,
        outings_today=outings,
        outing_quota=quota,
        key_area_level=key_area_level(checkpoint.area_id, person.area_id if person else None),
    )


def _fever_declared_today(person: Person | None) -> bool:
    """A declared fever alerts the community once a day per person, not at every tap
    (the daily report counts fever alerts as 发现发热人员)."""
    if person is None:
        return False
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return Alert.objects.filter(kind=Alert.Kind.FEVER, person=person, raised_at__gte=start).exists()


def _side_effects(
    row: CheckIn, verdict: Verdict, key_person: KeyPerson | None, declaration: Declaration | None
) -> None:
    checkpoint, person = row.checkpoint, row.person
    where = f"{checkpoint.name}（{row.direction_label}）"
    # Alerts reach the whole community, HQ and the wall screen: the family name only.
    who = masked_name(person.name) if person is not None else (row.plate or "未登记人员")
    for kind in verdict.alerts:
        if kind == Alert.Kind.OBSERVED_AT_CHECKPOINT and key_person is not None:
            raise_alert(
                area=_community(key_person.area),
                kind=kind,
                title=f"管控人员{who}在{where}扫码",
                detail=f"{key_person.get_measure_display()}（{key_person.category.name}），"
                f"{timezone.localtime(row.at):%m-%d %H:%M} 在{where}",
                person=person,
                key_person=key_person,
                source=row,
                at=row.at,
            )
        elif kind == Alert.Kind.FEVER:
            measured = row.is_fever  # else declared on the phone, not measured
            if not measured and _fever_declared_today(person):
                continue
            raise_alert(
                area=_community(checkpoint.area),
                kind=kind,
                title=f"{where}发现发热人员{who}，体温{row.temperature}℃"
                if measured
                else f"{where}有人员{who}扫码申报发热",
                detail=f"{timezone.localtime(row.at):%m-%d %H:%M}，"
                + ("请立即按规定处置" if measured else "请立即联系核实并按规定处置"),
                person=person,
                key_person=key_person,
                source=row,
                at=row.at,
            )
        elif kind == Alert.Kind.QUOTA and person is not None:
            raise_alert(
                area=_community(person.area),
                kind=kind,
                title=f"{who}所在户今日外出超出次数",
                detail=f"{timezone.localtime(row.at):%m-%d %H:%M} 在{where}",
                person=person,
                source=row,
                at=row.at,
            )
    if verdict.lead and person is not None and declaration is not None:
        said = declaration.risks_said()
        create_lead(
            area=_community(person.area),
            person=person,
            source=KeyPerson.Source.CHECKIN,
            detail=f"在{where}扫码申报：{'、'.join(said)}",
            origin=row,
        )


def record_checkin(
    *,
    checkpoint: Checkpoint,
    client_id: uuid.UUID,
    direction: str,
    source: str,
    status: str,
    person: Person | None = None,
    pass_: Pass | None = None,
    subject: str = CheckIn.Subject.PERSON,
    temperature: Decimal | None = None,
    plate: str = "",
    occupants: int | None = None,
    visitor: bool = False,
    visitor_registered: bool = False,
    risk_is_new: bool = False,
    note: str = "",
    by: Any = None,
    at: datetime | None = None,
    visit: dict[str, str] | None = None,
    declaration: Declaration | None = None,
) -> Recorded:
    """Judge and store one passage; a repeated ``client_id`` returns the first row.
    ``declaration`` is the health declaration the passage is judged on; a self-scan's
    (made with it) is stored on its row."""
    if direction not in checkpoint.allowed_directions():
        raise CheckInRefused(f"本卡点{checkpoint.get_directions_display()}，不能登记此方向")
    if temperature is not None and not (Decimal(30) <= temperature <= Decimal(45)):
        raise CheckInRefused("体温应在30到45℃之间，请核对")
    key_person = _key_person(person)
    verdict = judge(
        _facts(
            checkpoint=checkpoint,
            direction=direction,
            person=person,
            key_person=key_person,
            declaration=declaration,
            temperature=temperature,
            visitor=visitor,
            visitor_registered=visitor_registered,
            risk_is_new=risk_is_new,
        )
    )
    turned_back = status == CheckIn.Status.TURNED_BACK
    reasons = "；".join(verdict.reasons)
    row = CheckIn(
        client_id=client_id,
        checkpoint=checkpoint,
        at=at or timezone.now(),
        direction=direction,
        subject=subject,
        source=source,
        status=status,
        result=RED if turned_back else verdict.result,
        person=person,
        pass_used=pass_,
        temperature=temperature,
        plate=plate,
        occupants=occupants,
        visitor=visitor,
        note=(f"{note}；{reasons}" if note and reasons else note or reasons)[:200],
        recorded_by=by,
        confirmed_at=timezone.now() if status == CheckIn.Status.CONFIRMED else None,
    )
    if declaration is not None and source == CheckIn.Source.SELF:
        declaration.store_on(row)
    # An ordinary passage (its own transaction, one row, nothing raised) commits
    # asynchronously on PostgreSQL, in one round trip: a crash can lose the last fraction
    # of a second of green/yellow passages, never an alert, a lead or a registration's
    # new person and pass (those commit with their transaction), never corrupt anything.
    lone_row = not connection.in_atomic_block and visit is None
    try:
        if lone_row and not verdict.alerts and not verdict.lead:
            rows.insert(row, synchronous_commit=False)
            return Recorded(row, created=True)
        with transaction.atomic():
            rows.insert(row)
            if visit is not None:
                visit_row = Visit(
                    checkin=row,
                    name=visit["name"],
                    visiting=visit.get("visiting", ""),
                    reason=visit.get("reason", ""),
                )
                visit_row.set_phone(visit.get("phone", ""))
                visit_row.save()
            _side_effects(row, verdict, key_person, declaration)
    except IntegrityError:
        existing = CheckIn.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        if existing.checkpoint_id != checkpoint.pk:
            raise CheckInRefused("登记编号与其他卡点的记录重复，请刷新页面后重试") from None
        return Recorded(existing, created=False)
    return Recorded(row, created=True)


# --- the resident's phone -------------------------------------------------------------


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


def _key_person(person: Person | None) -> KeyPerson | None:
    """The person's active key-person record. A pass's person loaded by
    ``remembered_pass`` carries the answer, asked in the pass's own query."""
    if person is None:
        return None
    if hasattr(person, "active_key_person_id"):
        return key_person_by_id(person.active_key_person_id)
    return active_key_person(person)


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
    if home is None or not home.area.is_within(_community(checkpoint.area)):
        return None
    return home


CHECKPOINT_CACHE_SECONDS = 30
_checkpoint_cache: dict[str, tuple[float, Checkpoint]] = {}


def checkpoint_by_code(code: str) -> Checkpoint | None:
    """An active checkpoint by its public code, cached per process for 30 s (a scan is
    the hottest request; a deactivated or re-coded checkpoint stops within 30 s)."""
    now = time.monotonic()
    hit = _checkpoint_cache.get(code)
    if hit is not None and hit[0] > now:
        return hit[1]
    rows = list(
        Checkpoint.objects.select_related("area").filter(code=code, active=True).order_by()[:1]
    )
    found = rows[0] if rows else None
    if found is not None:
        if len(_checkpoint_cache) > 10_000:
            _checkpoint_cache.clear()
        _checkpoint_cache[code] = (now + CHECKPOINT_CACHE_SECONDS, found)
    return found


def check_open(checkpoint: Checkpoint) -> None:
    """Self-scans and registrations only while the checkpoint is open."""
    if not checkpoint.is_open_at(timezone.now()):
        raise CheckInRefused(f"本卡点开放时间为 {checkpoint.hours_label}，现在未开放")


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

    def declaration(self, today: Any) -> Declaration:
        return Declaration.answered(self, today)


def _ledger_person(reg: Registration) -> Person | None:
    """The ledger's person with this document, if any."""
    found = Person.objects.with_document(reg.doc_number).select_related("area").first()
    # A number alone is not who you are: someone who knows another's ID number must not
    # get that person's pass (nor learn their status from the result page).
    if found is not None and name_key(found.name) != name_key(reg.name):
        raise CheckInRefused("姓名与台账中该证件号码登记的姓名不一致，请核对，或请卡点工作人员协助")
    return found


def _add_person(checkpoint: Checkpoint, reg: Registration) -> Person:
    """A person not in the ledger, added marked self-registered."""
    identity = {"name": reg.name, "doc_type": reg.doc_type, "doc_number": reg.doc_number}
    if reg.visitor or reg.building is None:
        community = checkpoint.area.ancestor_of_kind(Area.Kind.COMMUNITY)
        if community is None:  # a road or highway post of the sub-district itself
            raise CheckInRefused(
                "本卡点不属于任何社区，外来人员不能扫码自助登记，请向值守人员出示证件登记"
            )
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
    if reg.building is not None and not reg.building.is_within(_community(checkpoint.area)):
        raise CheckInRefused("所选楼栋不属于本卡点所在社区")
    with transaction.atomic():
        # A double tap on a slow network sends the form twice at once. The second waits
        # here for the first and then finds its passage: unserialized, both added the
        # same new person to the ledger (PostgreSQL) or collided on a new household.
        home = reg.building if reg.building is not None else _community(checkpoint.area)
        list(Area.objects.select_for_update(no_key=True).filter(pk=home.pk).values("pk"))
        existing = (
            CheckIn.objects.filter(client_id=client_id).select_related("pass_used__person").first()
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
            temperature=reg.temperature,
            visitor=reg.visitor,
            risk_is_new=True,
            declaration=reg.declaration(timezone.localdate()),
        )
    return pass_, recorded


# --- staff at the post -----------------------------------------------------------------


def pass_for_token(text: str, *, scanned_at: datetime | None = None) -> Pass:
    """Check a scanned pass: signature, expiry (at ``scanned_at``, default now),
    revocation. Raises TokenRejected."""
    kind, code = tokens.read_token(text, scanned_at=scanned_at)
    pass_ = Pass.objects.select_related("person").filter(code=code).first()
    if pass_ is None or pass_.kind != kind:
        raise tokens.TokenRejected("出入证不存在")
    if pass_.revoked_at is not None:
        raise tokens.TokenRejected("出入证已被吊销，不能通行")
    if not pass_.is_usable():
        raise tokens.TokenRejected("出入证已过有效期")
    return pass_


def _done_with_client_id(checkpoint: Checkpoint, client_id: uuid.UUID) -> CheckIn | None:
    """The row a staff write with this client id stored or confirmed, if any."""
    row = (
        CheckIn.objects.filter(Q(client_id=client_id) | Q(confirm_client_id=client_id))
        .order_by()
        .first()
    )
    if row is not None and row.checkpoint_id != checkpoint.pk:
        raise CheckInRefused("登记编号与其他卡点的记录重复，请刷新页面后重试")
    return row


def _pending_self_scan(
    *, checkpoint: Checkpoint, person: Person, direction: str, at: datetime
) -> CheckIn | None:
    """The person's own self-scan here in this direction, still declared and at most
    SELF_SCAN_CONFIRM_MINUTES before ``at``: the passage staff are now seeing."""
    window = timedelta(minutes=settings.SELF_SCAN_CONFIRM_MINUTES)
    return (
        CheckIn.objects.filter(
            person=person,
            checkpoint=checkpoint,
            direction=direction,
            source=CheckIn.Source.SELF,
            status=CheckIn.Status.DECLARED,
            at__gte=at - window,
            at__lte=at,
        )
        .order_by("-at", "-id")
        .first()
    )


def _claim(row: CheckIn, *, client_id: uuid.UUID, by: Any) -> bool:
    """Mark ``row`` confirmed by the staff scan ``client_id``; False if another scan got
    there first. A row confirmed meanwhile with 确认在场 is still this same passage."""
    now = timezone.now()
    if CheckIn.objects.filter(
        pk=row.pk, status=CheckIn.Status.DECLARED, confirm_client_id__isnull=True
    ).update(
        status=CheckIn.Status.CONFIRMED,
        confirmed_at=now,
        recorded_by=by,
        confirm_client_id=client_id,
    ):
        return True
    return bool(
        CheckIn.objects.filter(
            pk=row.pk, status=CheckIn.Status.CONFIRMED, confirm_client_id__isnull=True
        ).update(confirm_client_id=client_id)
    )


def scan_pass(
    *,
    checkpoint: Checkpoint,
    token: str,
    direction: str,
    client_id: uuid.UUID,
    by: Any,
    temperature: Decimal | None = None,
    at: datetime | None = None,
    source: str = CheckIn.Source.PASS,
) -> Recorded:
    """Staff scanned a resident's pass (at ``at``, default now: a scan made offline is
    checked as of then).

    If the person's own self-scan here, in this direction, is still declared and recent
    (SELF_SCAN_CONFIRM_MINUTES), staff are seeing that passage: the scan confirms it
    (with the measured temperature) instead of adding a second one. Otherwise it is a
    confirmed passage judged on the person's current status and declaration. A retried
    scan (same client id) finds what the first stored or confirmed."""
    if temperature is not None and not (Decimal(30) <= temperature <= Decimal(45)):
        raise CheckInRefused("体温应在30到45℃之间，请核对")
    scanned_at = at or timezone.now()
    pass_ = pass_for_token(token, scanned_at=at)
    if direction not in checkpoint.allowed_directions():
        raise CheckInRefused(f"本卡点{checkpoint.get_directions_display()}，不能登记此方向")
    done = _done_with_client_id(checkpoint, client_id)
    if done is not None:
        return Recorded(done, created=False)
    pending = _pending_self_scan(
        checkpoint=checkpoint, person=pass_.person, direction=direction, at=scanned_at
    )
    if pending is not None:
        with transaction.atomic():
            if _claim(pending, client_id=client_id, by=by):
                pending.refresh_from_db()
                pending.checkpoint = checkpoint
                _registered_at_post(pending)
                if temperature is not None:
                    measure(checkin=pending, temperature=temperature, by=by)
                return Recorded(pending, created=False, confirmed=True)
        done = _done_with_client_id(checkpoint, client_id)  # the same scan, sent twice at once
        if done is not None:
            return Recorded(done, created=False)
    declaration = last_declaration(pass_).in_force(timezone.localdate(scanned_at))
    return record_checkin(
        checkpoint=checkpoint,
        client_id=client_id,
        direction=direction,
        source=source,
        status=CheckIn.Status.CONFIRMED,
        person=pass_.person,
        pass_=pass_,
        temperature=temperature,
        visitor=pass_.visitor,
        visitor_registered=True,
        by=by,
        at=at,
        declaration=declaration,
    )


def _registered_at_post(row: CheckIn) -> None:
    """Staff confirming a visitor's self-scan have seen the visitor at the post: that is
    the registration 访客须经值守登记 asks for. The passage is judged again as a
    registered visitor's — as a staff scan of the visitor's pass is — and takes that
    verdict and its reasons unless it is worse: 绿 when nothing else warrants 黄, as a
    resident's would be. A confirmation never makes a passage worse: what stops someone
    already let through is a measured fever (``measure``) or a new scan, each with its
    alert."""
    if not row.visitor or row.source != CheckIn.Source.SELF or row.result == GREEN:
        return
    person = row.person
    verdict = judge(
        _facts(
            checkpoint=row.checkpoint,
            direction=row.direction,
            person=person,
            key_person=active_key_person(person) if person is not None else None,
            declaration=of_checkin(row),
            temperature=row.temperature,
            visitor=True,
            visitor_registered=True,
            risk_is_new=False,
        )
    )
    if not is_milder(row.result, than=verdict.result):
        row.result = verdict.result
        row.note = "；".join(verdict.reasons)[:200]
        row.save(update_fields=["result", "note"])


@transaction.atomic
def confirm(*, checkin: CheckIn, by: Any, temperature: Decimal | None = None) -> CheckIn:
    """Staff at the post saw the person: a declared self-scan becomes presence (and a
    visitor's, registered at the post)."""
    if checkin.status == CheckIn.Status.DECLARED:
        checkin.status = CheckIn.Status.CONFIRMED
        checkin.confirmed_at = timezone.now()
        checkin.recorded_by = by
        checkin.save(update_fields=["status", "confirmed_at", "recorded_by"])
        _registered_at_post(checkin)
    if temperature is not None:
        measure(checkin=checkin, temperature=temperature, by=by)
    return checkin


@transaction.atomic
def measure(*, checkin: CheckIn, temperature: Decimal, by: Any) -> CheckIn:
    """A measured temperature; a fever turns the passage red and alerts the community."""
    if not (Decimal(30) <= temperature <= Decimal(45)):
        raise CheckInRefused("体温应在30到45℃之间，请核对")
    checkin.temperature = temperature
    fields = ["temperature"]
    if checkin.recorded_by_id is None:
        checkin.recorded_by, fields = by, [*fields, "recorded_by"]
    if temperature >= FEVER_THRESHOLD and checkin.result != RED:
        checkin.result = RED
        checkin.note = f"{checkin.note}；体温 {temperature}℃，达到发热标准".strip("；")[:200]
        fields += ["result", "note"]
    checkin.save(update_fields=fields)
    if checkin.is_fever:
        verdict = Verdict(result=RED, alerts=[Alert.Kind.FEVER])
        key_person = active_key_person(checkin.person) if checkin.person else None
        _side_effects(checkin, verdict, key_person, None)
    return checkin


# --- passes and checkpoints managed by staff -------------------------------------------


@transaction.atomic
def issue_card(*, person: Person, by: Any, valid_until: Any = None) -> Pass:
    card = Pass.objects.create(
        person=person, kind=Pass.Kind.CARD, issued_by=by, valid_until=valid_until
    )
    audit.record(action=AuditEvent.Action.CREATE, user=by, obj=card, detail="发放纸质出入证")
    return card


@transaction.atomic
def revoke_pass(*, pass_: Pass, by: Any) -> Pass:
    if pass_.revoked_at is None:
        pass_.revoke(by=by)
        audit.record(action=AuditEvent.Action.STATUS, user=by, obj=pass_, detail="吊销出入证")
    return pass_


@transaction.atomic
def save_checkpoint(*, checkpoint: Checkpoint, staff: list[Any], by: Any) -> Checkpoint:
    creating = checkpoint.pk is None
    if (
        Checkpoint.objects.filter(area=checkpoint.area, name=checkpoint.name)
        .exclude(pk=checkpoint.pk)
        .exists()
    ):
        raise ValidationError({"name": "该辖区已有同名卡点"})
    if far := checkpoint.out_of_reach(staff):
        names = "、".join(str(u) for u in far)
        raise ValidationError(
            {"staff": f"{names}不在本卡点所在辖区，打不开本卡点的值守台；请另选人员"}
        )
    checkpoint.save()
    checkpoint.staff.set(staff)
    audit.record(
        action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        user=by,
        obj=checkpoint,
    )
    return checkpoint


@transaction.atomic
def save_rule(*, area: Area, visitors: str, outing_quota: int | None, by: Any) -> PassRule:
    rule, _ = PassRule.objects.update_or_create(
        area=area, defaults={"visitors": visitors, "outing_quota": outing_quota}
    )
    audit.record(
        action=AuditEvent.Action.UPDATE,
        user=by,
        obj=rule,
        detail=f"访客：{rule.get_visitors_display()}；每户每天外出上限：{outing_quota or '不限'}",
    )
    clear_rule_cache()
    return rule


# --- retention --------------------------------------------------------------------------

MIN_RETENTION_DAYS = 14  # an incubation period: tracing must still reach that far back
PURGE_BATCH = 5000


@dataclass
class Purged:
    checkins: int = 0
    visits: int = 0


def purge_checkins(*, before: datetime, dry_run: bool = False) -> Purged:
    """Delete the passages recorded before ``before`` and their visitor details, in
    batches of ``PURGE_BATCH`` (each its own transaction, so check-ins at the posts
    never wait long behind it). Counts the days' figures keep: the daily reports read
    the roll-up (``reports.DailyFigure``), not these rows. The oldest rows come first
    in the table's physical order, so each batch is found without reading the rest."""
    old = CheckIn.objects.filter(at__lt=before).order_by()
    if dry_run:
        return Purged(checkins=old.count(), visits=Visit.objects.filter(checkin__in=old).count())
    purged = Purged()
    qn = connection.ops.quote_name
    visits, checkins = qn(Visit._meta.db_table), qn(CheckIn._meta.db_table)
    while ids := list(old.values_list("pk", flat=True)[:PURGE_BATCH]):
        marks = ", ".join(["%s"] * len(ids))
        # Plain DELETEs: the ORM's delete() would load every row to cascade to Visit.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {visits} WHERE checkin_id IN ({marks})", ids)  # noqa: S608
            purged.visits += cursor.rowcount
            cursor.execute(f"DELETE FROM {checkins} WHERE id IN ({marks})", ids)  # noqa: S608
            purged.checkins += cursor.rowcount
    return purged
