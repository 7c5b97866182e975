"""Staff at the post: scanning a pass, confirming a self-scan, measuring."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.people.models import Person
from shouwang.watch.actions import active_key_person, restate_alert
from shouwang.watch.models import Alert

from .. import tokens
from ..declarations import last_declaration, of_checkin
from ..models import FEVER_THRESHOLD, SEALED_EXIT, CheckIn, CheckInQuerySet, Checkpoint, Pass
from ..rules import GREEN, RED, Verdict, is_milder, judge
from .checkins import (
    CheckInRefused,
    Recorded,
    check_active,
    check_temperature,
    judge_facts,
    measured_fever_title,
    record_checkin,
    record_side_effects,
)


def pass_for_token(text: str, *, scanned_at: datetime | None = None) -> Pass:
    """Check a scanned pass: signature, revocation, and the QR's and the card's expiry
    at ``scanned_at`` (default now: a scan uploaded later is checked as of the scan).
    Raises TokenRejected."""
    kind, code = tokens.read_token(text, scanned_at=scanned_at)
    pass_ = Pass.objects.select_related("person").filter(code=code).first()
    if pass_ is None or pass_.kind != kind:
        raise tokens.TokenRejected("出入证不存在")
    if pass_.revoked_at is not None:
        raise tokens.TokenRejected("出入证已被吊销，不能通行")
    if not pass_.is_usable(on=timezone.localdate(scanned_at) if scanned_at else None):
        raise tokens.TokenRejected("出入证已过有效期")
    return pass_


def _seen_before(
    *,
    checkpoint: Checkpoint,
    client_id: uuid.UUID,
    at: datetime,
    person: Person | None = None,
    direction: str = "",
) -> tuple[CheckIn | None, CheckIn | None]:
    """In one read of the passages: the row a staff write with this client id, made at
    ``at``, stored or confirmed (a retry; refused if it is another checkpoint's), and,
    given the ``person``, their own self-scan here in this direction at most
    SELF_SCAN_CONFIRM_MINUTES before ``at`` that staff are now seeing: still declared,
    turned back by the rules (a refused visitor, a person leaving a sealed area) and
    not yet seen by staff, or let through by staff (放行) and not yet scanned."""
    rows = CheckIn.objects.sent_with(client_id, around=at)
    if person is not None:
        window = timedelta(minutes=settings.SELF_SCAN_CONFIRM_MINUTES)
        own = CheckIn.objects.filter(
            person=person,
            checkpoint=checkpoint,
            direction=direction,
            source=CheckIn.Source.SELF,
            at__gte=at - window,
            at__lte=at,
        )
        # A self-scan staff turned back (劝返此人) has them as recorded_by.
        refused_by_rules = Q(
            status=CheckIn.Status.TURNED_BACK,
            recorded_by__isnull=True,
            confirm_client_id__isnull=True,
        )
        # A red self-scan out that staff let through (放行) before scanning the pass.
        released = Q(status=CheckIn.Status.RELEASED, confirm_client_id__isnull=True)
        rows |= own.filter(Q(status=CheckIn.Status.DECLARED) | refused_by_rules | released)
    found = list(rows.order_by("-at", "-id"))
    done = [row for row in found if client_id in (row.client_id, row.confirm_client_id)]
    if done and done[0].checkpoint_id != checkpoint.pk:
        raise CheckInRefused("登记编号与其他卡点的记录重复，请刷新页面后重试")
    others = [row for row in found if row not in done]
    return (done[0] if done else None), (others[0] if others else None)


def _claim(row: CheckIn, *, client_id: uuid.UUID, by: Any) -> bool:
    """Mark ``row`` confirmed by the staff scan ``client_id``; False if another scan got
    there first. A row confirmed meanwhile with 确认在场 is still this same passage."""
    now = timezone.now()
    if CheckIn.objects.filter(
        pk=row.pk, at=row.at, status=CheckIn.Status.DECLARED, confirm_client_id__isnull=True
    ).update(
        status=CheckIn.Status.CONFIRMED,
        confirmed_at=now,
        recorded_by=by,
        confirm_client_id=client_id,
    ):
        return True
    return bool(
        CheckIn.objects.filter(
            pk=row.pk, at=row.at, status=CheckIn.Status.CONFIRMED, confirm_client_id__isnull=True
        ).update(confirm_client_id=client_id)
    )


@transaction.atomic
def _claim_turned_back(
    row: CheckIn, *, client_id: uuid.UUID, by: Any, temperature: Decimal | None
) -> bool:
    """Record the staff scan ``client_id`` (and its reading) on the self-scan the rules
    turned back; False if another scan got there first. It stays 劝返."""
    if not CheckIn.objects.filter(
        pk=row.pk,
        at=row.at,
        status=CheckIn.Status.TURNED_BACK,
        recorded_by__isnull=True,
        confirm_client_id__isnull=True,
    ).update(recorded_by=by, confirm_client_id=client_id):
        return False
    checkpoint = row.checkpoint
    row.refresh_from_db()
    row.checkpoint = checkpoint
    _save_with_reading(row, [], temperature, by=by)
    return True


@transaction.atomic
def _claim_released(
    row: CheckIn, *, client_id: uuid.UUID, by: Any, temperature: Decimal | None
) -> bool:
    """Record the staff scan ``client_id`` (and its reading) on the self-scan staff let
    through; False if another scan got there first. It stays 放行."""
    if not CheckIn.objects.filter(
        pk=row.pk, at=row.at, status=CheckIn.Status.RELEASED, confirm_client_id__isnull=True
    ).update(confirm_client_id=client_id):
        return False
    checkpoint = row.checkpoint
    row.refresh_from_db()
    row.checkpoint = checkpoint
    _save_with_reading(row, [], temperature, by=by)
    return True


def _as_read(row: CheckIn) -> CheckInQuerySet:
    """The row, on condition that it is still as it was read: the status, claim,
    reading, verdict, note and recorder that a write at the post works its changes
    out from."""
    same = CheckIn.objects.filter(
        pk=row.pk, at=row.at, status=row.status, result=row.result, note=row.note
    )
    for name in ("confirm_client_id", "temperature", "recorded_by_id"):
        value = getattr(row, name)
        same = same.filter(**({f"{name}__isnull": True} if value is None else {name: value}))
    return same


def _confirm_as_read(
    row: CheckIn, *, temperature: Decimal | None, by: Any, client_id: uuid.UUID | None = None
) -> bool:
    """Confirm the declared ``row`` (by the staff scan ``client_id``, if one), with the
    reading taken, in one UPDATE on condition that the row is still as it was read. False
    if it is not: nothing is written and ``row``'s fields are stale. The reading's alerts
    follow the UPDATE."""
    unchanged = _as_read(row)
    row.status = CheckIn.Status.CONFIRMED
    row.confirmed_at = timezone.now()
    row.recorded_by = by
    fields = ["status", "confirmed_at", "recorded_by"]
    if client_id is not None:
        row.confirm_client_id = client_id
        fields.append("confirm_client_id")
    fields += _registered_at_post(row)
    if temperature is not None:
        fields += _take_reading(row, temperature, by=by)
    if not unchanged.update(**{name: getattr(row, name) for name in dict.fromkeys(fields)}):
        return False
    if temperature is not None:
        _reading_taken(row, temperature, by=by)
    return True


def _read_again_locked(row: CheckIn) -> None:
    """Read ``row`` again, locked for this transaction (changed since it was read),
    keeping the checkpoint and person already loaded with it."""
    checkpoint, person = row.checkpoint, row.person
    row.refresh_from_db(from_queryset=CheckIn.objects.select_for_update().filter(at=row.at))
    row.checkpoint, row.person = checkpoint, person


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
    (with the measured temperature) instead of adding a second one; a visitor's own tap
    already turned back by the rules stays the one 劝返, with the scan recorded on it
    (staff saw the visitor turned back), and one staff let through (放行) the one 出.
    Otherwise it is a confirmed passage judged on the person's current status and
    declaration. A retried
    scan (same client id) finds what the first stored or confirmed."""
    check_active(checkpoint)
    if temperature is not None:
        check_temperature(temperature)
    scanned_at = at or timezone.now()
    pass_ = pass_for_token(token, scanned_at=at)
    if direction not in checkpoint.allowed_directions():
        raise CheckInRefused(f"本卡点{checkpoint.get_directions_display()}，不能登记此方向")
    done, pending = _seen_before(
        checkpoint=checkpoint,
        client_id=client_id,
        at=scanned_at,
        person=pass_.person,
        direction=direction,
    )
    if done is not None:
        return Recorded(done, created=False)
    if pending is not None:
        pending.checkpoint = checkpoint
    if pending is not None and pending.status == CheckIn.Status.RELEASED:
        # Let through (放行) on the person's own tap before their pass was scanned: the
        # same passage, counted once, in 出.
        if _claim_released(pending, client_id=client_id, by=by, temperature=temperature):
            return Recorded(pending, created=False, confirmed=True)
    elif pending is not None and pending.status == CheckIn.Status.TURNED_BACK:
        # The person's own tap, turned back by the rules (a refused visitor, a sealed
        # area's exit): staff are seeing that passage, which is counted once, in 劝返.
        if _claim_turned_back(pending, client_id=client_id, by=by, temperature=temperature):
            return Recorded(pending, created=False, confirmed=True)
    elif pending is not None:
        with transaction.atomic():
            if _confirm_as_read(pending, temperature=temperature, by=by, client_id=client_id):
                return Recorded(pending, created=False, confirmed=True)
            # Changed since it was read (measured, or confirmed with 确认在场): claimed
            # first, which locks it, then read again and measured.
            if _claim(pending, client_id=client_id, by=by):
                pending.refresh_from_db()
                pending.checkpoint = checkpoint
                _save_with_reading(pending, _registered_at_post(pending), temperature, by=by)
                return Recorded(pending, created=False, confirmed=True)
    if pending is not None:
        # The same scan, sent twice at once.
        done, _ = _seen_before(checkpoint=checkpoint, client_id=client_id, at=scanned_at)
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


def record_vehicle(
    *,
    checkpoint: Checkpoint,
    client_id: uuid.UUID,
    direction: str,
    plate: str,
    occupants: int,
    by: Any,
    temperature: Decimal | None = None,
    at: datetime | None = None,
    source: str = CheckIn.Source.STAFF,
) -> Recorded:
    """A vehicle let through with its occupants (``temperature``: the highest measured)."""
    return record_checkin(
        checkpoint=checkpoint,
        client_id=client_id,
        direction=direction,
        source=source,
        status=CheckIn.Status.CONFIRMED,
        subject=CheckIn.Subject.VEHICLE,
        plate=plate,
        occupants=occupants,
        temperature=temperature,
        by=by,
        at=at,
    )


def record_visitor(
    *,
    checkpoint: Checkpoint,
    client_id: uuid.UUID,
    direction: str,
    name: str,
    phone: str,
    visiting: str,
    reason: str,
    by: Any,
    temperature: Decimal | None = None,
    at: datetime | None = None,
    source: str = CheckIn.Source.STAFF,
) -> Recorded:
    """A visitor registered by staff at the post (name and phone kept with the passage,
    not added to the ledger): a registered visitor's passage. Where the rules refuse
    visitors coming in (谢绝访客, a key area), the visitor did not come in: the passage
    is recorded as 劝返 with the rule's reason, counted in 劝返, not in 进."""
    return record_checkin(
        checkpoint=checkpoint,
        client_id=client_id,
        direction=direction,
        source=source,
        status=CheckIn.Status.CONFIRMED,
        temperature=temperature,
        visitor=True,
        visitor_registered=True,
        note=f"访客：拜访{visiting}",
        by=by,
        at=at,
        visit={"name": name, "phone": phone, "visiting": visiting, "reason": reason},
    )


def turn_back(
    *,
    checkpoint: Checkpoint,
    client_id: uuid.UUID,
    direction: str,
    subject: str,
    plate: str,
    occupants: int,
    reason: str,
    by: Any,
    temperature: Decimal | None = None,
    at: datetime | None = None,
    source: str = CheckIn.Source.STAFF,
) -> Recorded:
    """劝返: a person, a group on foot or a vehicle (``plate``) sent back, with why."""
    return record_checkin(
        checkpoint=checkpoint,
        client_id=client_id,
        direction=direction,
        source=source,
        status=CheckIn.Status.TURNED_BACK,
        subject=subject,
        plate=plate,
        occupants=occupants,
        temperature=temperature,
        note=f"劝返：{reason}",
        by=by,
        at=at,
    )


@transaction.atomic
def turn_back_checkin(*, checkin: CheckIn, reason: str, by: Any) -> CheckIn:
    """劝返 of a passage already recorded (a red self-scan, a red pass scan): the person
    did not pass, so the row itself is turned back and counted once, in 劝返 — a second
    row would count them in 进/出 as well. A row already turned back stays as it was (a
    retry, or the same tap uploaded again)."""
    check_active(checkin.checkpoint)
    decided = (CheckIn.Status.TURNED_BACK, CheckIn.Status.RELEASED)
    if checkin.status in decided:
        return checkin
    if _turn_back_as_read(checkin, reason=reason, by=by):
        return checkin
    # Changed since it was read (turned back, let through, confirmed or measured
    # meanwhile): the first decision stands.
    _read_again_locked(checkin)
    if checkin.status not in decided:
        _turn_back_as_read(checkin, reason=reason, by=by)
    return checkin


# What the rules put at the head of the note of a person's passage out of a sealed area.
SEALED_TURNED_BACK = f"劝返：{SEALED_EXIT}"
NOT_RELEASABLE = "只有红色的外出记录（尚未劝返或放行）可以放行，请核对"
OTHER_REASON_NEEDED = "放行原因选择“其他”时，请填写具体原因"


def release_reason(reason: str, other: str = "") -> str:
    """The authorised reason as it is written on the row: 就医, or 其他（<text>）.
    Raises CheckInRefused for a reason not on the list, or 其他 without its text."""
    if reason not in CheckIn.ReleaseReason.values:
        raise CheckInRefused("请选择放行原因：" + "、".join(CheckIn.ReleaseReason.labels))
    other = other.strip()
    if reason == CheckIn.ReleaseReason.OTHER:
        if not other:
            raise CheckInRefused(OTHER_REASON_NEEDED)
        return f"其他（{other}）"
    return CheckIn.ReleaseReason(reason).label


@transaction.atomic
def release_checkin(*, checkin: CheckIn, reason: str, other: str = "", by: Any) -> CheckIn:
    """放行: staff let a red passage out through on an authorised errand (就医, 转运,
    保供, 持证出入, 其他 with its text). The row becomes an 出 — status 放行, 放行：<reason>
    at the head of its note, still red — counted in 出 and in the household's outings
    from now on, and audited. A row already let through stays as it was (a retry); one
    turned back by staff, or not a red passage out, is refused."""
    check_active(checkin.checkpoint)
    said = release_reason(reason, other)
    if checkin.status == CheckIn.Status.RELEASED:
        return checkin
    if not checkin.releasable:
        raise CheckInRefused(NOT_RELEASABLE)
    if not _release_as_read(checkin, said=said, by=by):
        # Changed since it was read (turned back or let through meanwhile, measured).
        _read_again_locked(checkin)
        if checkin.status == CheckIn.Status.RELEASED:
            return checkin
        if not checkin.releasable:
            raise CheckInRefused(NOT_RELEASABLE)
        _release_as_read(checkin, said=said, by=by)
    audit.record(
        action=AuditEvent.Action.STATUS,
        user=by,
        obj=checkin,
        detail=f"卡点放行：{checkin.checkpoint.name}（出），{said}",
    )
    return checkin


def _release_as_read(row: CheckIn, *, said: str, by: Any) -> bool:
    """Let ``row`` through in one UPDATE on condition that it is still as it was read;
    False if it is not (nothing written, ``row``'s fields stale). The sealed area's
    refusal stays in the note as the fact it is, without 劝返."""
    unchanged = _as_read(row)
    note = row.note
    if note.startswith(SEALED_TURNED_BACK):
        note = note[len("劝返：") :]
    row.status = CheckIn.Status.RELEASED
    row.note = f"放行：{said}；{note}".strip("；")[:200]
    fields = ["status", "note"]
    if row.recorded_by_id is None:
        row.recorded_by, fields = by, [*fields, "recorded_by"]
    if row.confirmed_at is None:
        row.confirmed_at, fields = timezone.now(), [*fields, "confirmed_at"]
    return bool(unchanged.update(**{name: getattr(row, name) for name in fields}))


def _turn_back_as_read(row: CheckIn, *, reason: str, by: Any) -> bool:
    """Turn ``row`` back in one UPDATE on condition that it is still as it was read;
    False if it is not (nothing written, ``row``'s fields stale)."""
    unchanged = _as_read(row)
    row.status = CheckIn.Status.TURNED_BACK
    row.result = RED
    row.note = f"劝返：{reason}；{row.note}".strip("；")[:200]
    fields = ["status", "result", "note"]
    if row.recorded_by_id is None:
        row.recorded_by, fields = by, [*fields, "recorded_by"]
    return bool(unchanged.update(**{name: getattr(row, name) for name in fields}))


def _registered_at_post(row: CheckIn) -> list[str]:
    """Staff confirming a visitor's self-scan have seen the visitor at the post: that is
    the registration 访客须经值守登记 asks for. The passage is judged again as a
    registered visitor's — as a staff scan of the visitor's pass is — and takes that
    verdict and its reasons unless it is worse: 绿 when nothing else warrants 黄, as a
    resident's would be. A confirmation never makes a passage worse: what stops someone
    already let through is a measured fever (``measure``) or a new scan, each with its
    alert. Returns the fields changed, for the caller's save."""
    if not row.visitor or row.source != CheckIn.Source.SELF or row.result == GREEN:
        return []
    person = row.person
    verdict = judge(
        judge_facts(
            checkpoint=row.checkpoint,
            direction=row.direction,
            person=person,
            key_person=active_key_person(person) if person is not None else None,
            declaration=of_checkin(row),
            temperature=row.temperature,
            visitor=True,
            visitor_registered=True,
            risk_is_new=False,
            at=row.at,
        )
    )
    if is_milder(row.result, than=verdict.result):
        return []
    row.result = verdict.result
    row.note = "；".join(verdict.reasons)[:200]
    return ["result", "note"]


# The reason a fever reading gives (``rules.judge``, and ``measure`` below).
_FEVER_REASON = re.compile(r"体温 \d+(\.\d+)?℃，达到发热标准")


def _judge_corrected_reading(row: CheckIn) -> None:
    """A fever reading replaced (复测, or a mistyped 38.5 that was 36.5): the passage is
    judged again by the rules on the new reading, with the person's status and the
    declaration it was judged on (a self-scan's own; a pass scan's, the pass's). The old
    reading's reason leaves the note; the others stay, and a 劝返 stays red."""
    person = row.person
    if row.source == CheckIn.Source.SELF:
        declaration = of_checkin(row)
    elif row.pass_used is not None:
        declaration = last_declaration(row.pass_used).in_force(timezone.localdate(row.at))
    else:
        declaration = None
    verdict = judge(
        judge_facts(
            checkpoint=row.checkpoint,
            direction=row.direction,
            person=person,
            key_person=active_key_person(person) if person is not None else None,
            declaration=declaration,
            temperature=row.temperature,
            visitor=row.visitor,
            visitor_registered=row.source != CheckIn.Source.SELF
            or row.status == CheckIn.Status.CONFIRMED,
            risk_is_new=False,
            at=row.at,
            stored=row,
            vehicle=row.subject == CheckIn.Subject.VEHICLE,
        )
    )
    kept = [s for s in row.note.split("；") if s and not _FEVER_REASON.fullmatch(s)]
    # A refusal is in the note already, as 劝返：<reason>.
    new = (r for r in verdict.reasons if r not in kept and f"劝返：{r}" not in kept)
    row.note = "；".join([*kept, *new])[:200]
    if row.status != CheckIn.Status.TURNED_BACK:
        row.result = verdict.result


@transaction.atomic
def confirm(*, checkin: CheckIn, by: Any, temperature: Decimal | None = None) -> CheckIn:
    """Staff at the post saw the person: a declared self-scan becomes presence (and a
    visitor's, registered at the post). With a temperature, the confirmation and the
    reading are one UPDATE of the row."""
    check_active(checkin.checkpoint)
    if temperature is not None:
        check_temperature(temperature)
    if checkin.status == CheckIn.Status.DECLARED:
        if _confirm_as_read(checkin, temperature=temperature, by=by):
            return checkin
        # Changed since it was read (confirmed or measured meanwhile): the first
        # confirmation's who and when stand.
        _read_again_locked(checkin)
    fields: list[str] = []
    if checkin.status == CheckIn.Status.DECLARED:
        checkin.status = CheckIn.Status.CONFIRMED
        checkin.confirmed_at = timezone.now()
        checkin.recorded_by = by
        fields = ["status", "confirmed_at", "recorded_by", *_registered_at_post(checkin)]
    _save_with_reading(checkin, fields, temperature, by=by)
    return checkin


# The note of a fever alert settled or restated by a corrected reading.
CORRECTED = "体温已更正为"


@transaction.atomic
def measure(*, checkin: CheckIn, temperature: Decimal, by: Any) -> CheckIn:
    """A measured temperature; a fever turns the passage red and alerts the community. A
    later reading (复测) decides the passage, judged again by the rules; the first
    abnormal reading stays on the row (``first_fever``) and the fever alert it raised
    stays open. Re-measured to a fever (another, or one again), the alert says the
    reading, and one settled by a correction before 复测 kept readings is open again."""
    check_active(checkin.checkpoint)
    check_temperature(temperature)
    _save_with_reading(checkin, [], temperature, by=by)
    return checkin


def _save_with_reading(
    checkin: CheckIn, fields: list[str], temperature: Decimal | None, *, by: Any
) -> None:
    """Save ``fields`` changed on the row and, when one was taken, the temperature
    (``measure``'s changes) in one UPDATE; then the reading's alerts."""
    if temperature is not None:
        fields = [*fields, *_take_reading(checkin, temperature, by=by)]
    if fields:
        checkin.save(update_fields=list(dict.fromkeys(fields)))
    if temperature is not None:
        _reading_taken(checkin, temperature, by=by)


def _take_reading(checkin: CheckIn, temperature: Decimal, *, by: Any) -> list[str]:
    """``measure``'s changes to the row, not saved: the fields changed. A fever reading
    replaced by another (复测, or a mistyped one corrected) is kept as the first abnormal
    reading unless one was kept before."""
    corrected = checkin.is_fever and temperature != checkin.temperature
    fields = ["temperature"]
    if corrected and checkin.first_fever is None:
        checkin.first_fever, fields = checkin.temperature, [*fields, "first_fever"]
    checkin.temperature = temperature
    if checkin.recorded_by_id is None:
        checkin.recorded_by, fields = by, [*fields, "recorded_by"]
    if corrected:
        _judge_corrected_reading(checkin)
        fields += ["result", "note"]
    elif temperature >= FEVER_THRESHOLD and not _FEVER_REASON.search(checkin.note):
        checkin.result = RED
        checkin.note = f"{checkin.note}；体温 {temperature}℃，达到发热标准".strip("；")[:200]
        fields += ["result", "note"]
    return fields


def _reading_taken(checkin: CheckIn, temperature: Decimal, *, by: Any) -> None:
    """``measure``'s alerts, once the reading is saved. A fever alert stays as it is when
    a later reading is no fever (复测): the first abnormal reading is still on the row."""
    if checkin.is_fever:
        verdict = Verdict(result=RED, alerts=[Alert.Kind.FEVER])
        key_person = active_key_person(checkin.person) if checkin.person else None
        record_side_effects(checkin, verdict, key_person, None)
        # The row's alert, raised before for another reading (or a declared fever), says
        # this one; settled by a correction, it is open again.
        restate_alert(
            kind=Alert.Kind.FEVER,
            source=checkin,
            by=by,
            title=measured_fever_title(checkin),
            note=f"{CORRECTED}{temperature}℃",
            settled_prefix=CORRECTED,
        )
