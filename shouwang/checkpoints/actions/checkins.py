"""Recording a check-in and its side effects (alerts and leads through
``shouwang.watch.actions``), with the pass rules of an area.

Every write carries a client id (a UUID from the phone's page or the batch upload).
The row is inserted optimistically; a repeated id hits the unique constraint and the
first row is returned, so a retry never doubles a record.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from shouwang.areas.models import SEGMENT, Area
from shouwang.cases.key_areas import active_key_areas
from shouwang.core.text import moment_label
from shouwang.people.models import Person
from shouwang.watch.actions import (
    active_key_person,
    create_lead,
    key_person_by_id,
    raise_alert,
)
from shouwang.watch.alerting import masked_name
from shouwang.watch.models import Alert, KeyPerson

from .. import partitions
from ..declarations import Declaration
from ..models import RETRY_WINDOW, CheckIn, Checkpoint, Pass, PassRule, Visit
from ..rules import RED, Facts, Verdict, judge

RULE_CACHE_SECONDS = 30
_rule_cache: dict[str, tuple[float, PassRule]] = {}
DEFAULT_RULE = PassRule(visitors=PassRule.Visitors.REGISTERED, outing_quota=None)


class CheckInRefused(ValueError):
    """The message says, in Chinese, why nothing was recorded."""


STOPPED = "该卡点已停用，不能再登记；请到启用的卡点值守"


def check_active(checkpoint: Checkpoint) -> None:
    """Nothing is recorded at a deactivated checkpoint (its history stays readable)."""
    if not checkpoint.active:
        raise CheckInRefused(STOPPED)


TEMPERATURE_RANGE = "体温应在30到45℃之间，请核对"
TEMPERATURE_PLACES = "体温请填一位小数，如 36.5"


def check_temperature(temperature: Decimal) -> None:
    """A measured temperature as the thermometer shows it: 30–45 ℃ with one decimal.
    Two decimals are refused, not rounded: 37.26 judged below the fever line but
    stored as 37.3 would be a green passage with a fever on record."""
    if not (Decimal(30) <= temperature <= Decimal(45)):
        raise CheckInRefused(TEMPERATURE_RANGE)
    if temperature != temperature.quantize(Decimal("0.1")):
        raise CheckInRefused(TEMPERATURE_PLACES)


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


def community_of(area: Area) -> Area:
    return area.ancestor_of_kind(Area.Kind.COMMUNITY) or area


def _day_start(at: datetime) -> datetime:
    return timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)


# A resident who reloads the page and taps 出 again at the same post within this window
# is making the same outing (a double tap), not a second one against the quota.
REPEAT_OUTING_WINDOW = timedelta(minutes=10)


def _outings_before(
    person: Person, at: datetime, *, checkpoint: Checkpoint, excluding: CheckIn | None = None
) -> int:
    """The household's outings on the day of ``at``, up to ``at``: a passage recorded
    offline yesterday and uploaded today counts against yesterday's quota. The person's
    own outing at this checkpoint within ``REPEAT_OUTING_WINDOW`` is this same outing
    (in the same query: the one-tap path asks nothing more), and a passage judged again
    (``excluding``) does not count against itself."""
    members = Person.objects.filter(household_id=person.household_id).values("pk")
    rows = CheckIn.objects.filter(
        person_id__in=members, at__gte=_day_start(at), at__lte=at
    ).exclude(person=person, checkpoint=checkpoint, at__gte=at - REPEAT_OUTING_WINDOW)
    if excluding is not None:
        rows = rows.exclude(pk=excluding.pk)
    return rows.outings().count()


def judge_facts(
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
    at: datetime | None = None,
    stored: CheckIn | None = None,
    vehicle: bool = False,
) -> Facts:
    """What the rules judge a passage on; ``at`` is when it happened (now unless it was
    recorded offline); ``stored``: the passage's row, when it is judged again."""
    rule = rule_for(checkpoint.area)
    has_household = person is not None and person.household_id is not None and not visitor
    quota = rule.outing_quota
    outings = (
        _outings_before(person, at or timezone.now(), checkpoint=checkpoint, excluding=stored)
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
        vehicle=vehicle,
    )


def _fever_declared_that_day(person: Person | None, at: datetime) -> bool:
    """A declared fever alerts the community once a day per person, not at every tap
    (the daily report counts fever alerts as 发现发热人员)."""
    if person is None:
        return False
    start = _day_start(at)
    alerts = Alert.objects.filter(kind=Alert.Kind.FEVER, person=person)
    return alerts.filter(raised_at__gte=start, raised_at__lt=start + timedelta(days=1)).exists()


def _alert_name(row: CheckIn) -> str:
    """Whom an alert names. Alerts reach the whole community, HQ and the wall screen:
    a person's or a visitor's (registered at the post) family name only; a vehicle's
    plate."""
    if row.person is not None:
        return masked_name(row.person.name)
    if row.plate:
        return row.plate
    if row.visitor:
        try:
            return f"访客{masked_name(row.visit.name)}"
        except Visit.DoesNotExist:
            pass
    return "未登记人员"


def measured_fever_title(row: CheckIn) -> str:
    """The title of the fever alert a measured reading raises (and a corrected one
    restates)."""
    where = f"{row.checkpoint.name}（{row.direction_label}）"
    return f"{where}发现发热人员{_alert_name(row)}，体温{row.temperature}℃"


def record_side_effects(
    row: CheckIn, verdict: Verdict, key_person: KeyPerson | None, declaration: Declaration | None
) -> None:
    checkpoint, person = row.checkpoint, row.person
    where = f"{checkpoint.name}（{row.direction_label}）"
    who = _alert_name(row) if verdict.alerts else ""
    for kind in verdict.alerts:
        if kind == Alert.Kind.OBSERVED_AT_CHECKPOINT and key_person is not None:
            raise_alert(
                area=community_of(key_person.area),
                kind=kind,
                title=f"管控人员{who}在{where}扫码",
                detail=f"{key_person.get_measure_display()}（{key_person.category.name}），"
                f"{moment_label(row.at, year=True)} 在{where}",
                person=person,
                key_person=key_person,
                source=row,
                at=row.at,
            )
        elif kind == Alert.Kind.FEVER:
            measured = row.is_fever  # else declared on the phone, not measured
            if not measured and _fever_declared_that_day(person, row.at):
                continue
            raise_alert(
                area=community_of(checkpoint.area),
                kind=kind,
                title=measured_fever_title(row) if measured else f"{where}有人员{who}扫码申报发热",
                detail=f"{moment_label(row.at, year=True)}，"
                + ("请立即按规定处置" if measured else "请立即联系核实并按规定处置"),
                person=person,
                key_person=key_person,
                source=row,
                at=row.at,
            )
        elif kind == Alert.Kind.QUOTA and person is not None:
            raise_alert(
                area=community_of(person.area),
                kind=kind,
                title=f"{who}所在户今日外出超出次数",
                detail=f"{moment_label(row.at, year=True)} 在{where}",
                person=person,
                source=row,
                at=row.at,
            )
    if verdict.lead and person is not None and declaration is not None:
        said = declaration.risks_said()
        create_lead(
            area=community_of(person.area),
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
    (made with it) is stored on its row. A visitor the rules refuse coming in (谢绝访客,
    a key area) did not come in, however the passage is recorded — staff registering
    them or scanning their pass, or their own registration or tap: it is recorded as 劝返
    with the rule's reason, counted in 劝返, never in 进. So is a person going out of a
    sealed area (封闭管理): never in 出."""
    check_active(checkpoint)
    if direction not in checkpoint.allowed_directions():
        raise CheckInRefused(f"本卡点{checkpoint.get_directions_display()}，不能登记此方向")
    if temperature is not None:
        check_temperature(temperature)
    key_person = _key_person(person)
    verdict = judge(
        judge_facts(
            checkpoint=checkpoint,
            direction=direction,
            person=person,
            key_person=key_person,
            declaration=declaration,
            temperature=temperature,
            visitor=visitor,
            visitor_registered=visitor_registered,
            risk_is_new=risk_is_new,
            at=at,
            vehicle=subject == CheckIn.Subject.VEHICLE,
        )
    )
    reasons = "；".join(verdict.reasons)
    if verdict.refused:
        status = CheckIn.Status.TURNED_BACK
        note = f"劝返：{verdict.refused}；{note}".strip("；")
        reasons = "；".join(r for r in verdict.reasons if r != verdict.refused)
    turned_back = status == CheckIn.Status.TURNED_BACK
    row = CheckIn(
        client_id=client_id,
        checkpoint=checkpoint,
        area_id=checkpoint.area_id,
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
            partitions.insert_once(row, synchronous_commit=False)
            return Recorded(row, created=True)
        with transaction.atomic():
            partitions.insert_once(row)
            if visit is not None:
                visit_row = Visit(
                    checkin=row,
                    name=visit["name"],
                    visiting=visit.get("visiting", ""),
                    reason=visit.get("reason", ""),
                )
                visit_row.set_phone(visit.get("phone", ""))
                visit_row.save()
            record_side_effects(row, verdict, key_person, declaration)
    except IntegrityError:
        # Within the retry window first (on PostgreSQL the only place it can be, and a
        # day partition or three), else anywhere (SQLite's key is the id alone).
        stored = CheckIn.objects.filter(client_id=client_id)
        existing = (
            stored.filter(at__gte=row.at - RETRY_WINDOW, at__lte=row.at + RETRY_WINDOW).first()
            or stored.first()
        )
        if existing is None:
            raise
        if existing.checkpoint_id != checkpoint.pk:
            raise CheckInRefused("登记编号与其他卡点的记录重复，请刷新页面后重试") from None
        # A retry is the same person's passage; another's id (copied from their page)
        # must not show that person's result and reasons as the answer.
        if existing.person_id != (person.pk if person is not None else None):
            raise CheckInRefused("登记编号与他人的记录重复，请刷新页面后重试") from None
        return Recorded(existing, created=False)
    return Recorded(row, created=True)


def _key_person(person: Person | None) -> KeyPerson | None:
    """The person's active key-person record. A pass's person loaded by
    ``remembered_pass`` carries the answer, asked in the pass's own query."""
    if person is None:
        return None
    if hasattr(person, "active_key_person_id"):
        return key_person_by_id(person.active_key_person_id)
    return active_key_person(person)


CHECKPOINT_CACHE_SECONDS = 30
_checkpoint_cache: dict[str, tuple[float, Checkpoint]] = {}
# What a public code can be (``core.models.public_code``: URL-safe base64). Anything else
# in the link names no checkpoint and is not sent to the database (PostgreSQL refuses a
# NUL in a string parameter with an error, not with no row).
_CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,24}")


def checkpoint_by_code(code: str) -> Checkpoint | None:
    """An active checkpoint by its public code, cached per process for 30 s (a scan is
    the hottest request; a deactivated or re-coded checkpoint stops within 30 s)."""
    now = time.monotonic()
    hit = _checkpoint_cache.get(code)
    if hit is not None and hit[0] > now:
        return hit[1]
    if not _CODE_RE.fullmatch(code):
        return None
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
