"""Presence tracing from check-ins (时空追踪): runs, the second hop, and contacts made
from the hits. Every query is audited with its purpose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.people.models import Person
from shouwang.watch.models import KeyPerson

from .. import presence
from ..models import (
    Case,
    Contact,
    Trace,
    TraceHit,
)
from .contacts import (
    RecordInTheWay,
    Refusal,
    add_contact,
    checked_for_observation,
    locked_case,
    observation_over,
    observe_checked,
    watch_category,
)

MAX_TRACE_DAYS = 28  # the check-in retention window
MAX_WINDOW_MINUTES = 120
# A trace stores the closest hop-1 persons, up to this many (the page lists them, hop 2
# starts from them) and counts the others: storing each of the thousands found at busy
# gates would cost several times the search itself.
MAX_STORED_HITS = 500
# Hop 2 from more persons than this reaches most of a sub-district: narrow hop 1 first.
MAX_SECOND_HOP_SOURCES = MAX_STORED_HITS


def _check_trace_request(*, purpose: str, start: datetime, end: datetime, window: int) -> None:
    if len(purpose.strip()) < 4:
        raise ValidationError("请填写查询目的（至少4个字），该查询将记入审计日志")
    if end <= start:
        raise ValidationError("结束时间应晚于开始时间")
    if end - start > timedelta(days=MAX_TRACE_DAYS):
        raise ValidationError(f"查询时段不能超过{MAX_TRACE_DAYS}天（卡点记录保存期限）")
    if not 1 <= window <= MAX_WINDOW_MINUTES:
        raise ValidationError(f"前后时间窗应为1到{MAX_WINDOW_MINUTES}分钟")
    try:  # the search reaches a window beyond each end, in UTC
        (start - timedelta(minutes=window)).astimezone(UTC)
        (end + timedelta(minutes=window)).astimezone(UTC)
    except OverflowError as exc:  # year 1 or 9999
        raise ValidationError("查询时段超出可查询的日期范围，请核对日期") from exc
    if start > timezone.now():
        # Nothing has passed a checkpoint yet: an empty result would read as "no one met".
        raise ValidationError("开始时间晚于现在，该时段还没有通行记录，请核对日期")
    if end > timezone.now():
        # Hop 1 searches the passes until now only; the trace would claim the hours after.
        raise ValidationError("结束时间晚于现在，之后还没有通行记录，请将结束时间改为现在或更早")
    retention = settings.CHECKIN_RETENTION_DAYS
    if end <= timezone.now() - timedelta(days=retention):
        # Purged already (purge_checkins): the same empty result.
        raise ValidationError(
            f"该时段的卡点通行记录已超过保存期限（{retention}天）并已清除，无法追踪，请核对日期"
        )


def _store_hits(trace: Trace, hits: list[presence.Hit], *, names: dict[int, str]) -> int:
    """Save the hits of persons in the ledger, whatever became of the requester's
    account since (each viewer sees only their own jurisdiction's:
    ``TraceHit.objects.shown_to``); return how many persons were left out (check-ins
    not matched to the ledger, or met through a person left out)."""
    ids = {h.person_id for h in hits}
    visible = set(Person.objects.filter(pk__in=ids).values_list("pk", flat=True))
    stored = {h.person_id: h for h in TraceHit.objects.filter(trace=trace).only("pk", "person_id")}
    rows = []
    for hit in hits:
        via = stored.get(hit.via) if hit.via else None
        if hit.person_id not in visible or hit.person_id in stored or (hit.via and via is None):
            continue
        rows.append(
            TraceHit(
                trace=trace,
                person_id=hit.person_id,
                hop=hit.hop,
                via=via,
                encounters=[
                    {
                        "checkpoint_id": e.checkpoint_id,
                        "checkpoint": names.get(e.checkpoint_id, ""),
                        "at": e.at.isoformat(),
                        "met_at": e.met_at.isoformat(),
                    }
                    for e in hit.encounters
                ],
                first_at=hit.first_at,
                last_at=hit.last_at,
                closest_seconds=hit.closest_seconds,
            )
        )
    TraceHit.objects.bulk_create(rows)
    return len(ids) - len(rows)


def _store_first_hop(
    trace: Trace, query: presence.FirstHopQuery, *, by: Any, database: str
) -> tuple[int, int]:
    """Store the closest ``MAX_STORED_HITS`` hop-1 persons the requester may see,
    straight from the search (``INSERT … SELECT``: no hit becomes a Python object);
    return (persons found, persons in the jurisdiction). The presence table must live
    in the database of the cases tables."""
    # Correlated, so that each hit is one index lookup (SQLite would otherwise build
    # the whole jurisdiction's list of persons first); skipped when every person in the
    # ledger is the requester's (an HQ admin: thousands of lookups saved).
    visible = Person.objects.visible_to(by).filter(pk=RawSQL("hits.person_id", ()))
    if Person.objects.all_visible_to(by):
        visible_sql, visible_params = "SELECT 1", ()
    elif visible.query.is_empty():
        visible_sql, visible_params = "SELECT 1 WHERE 1 = 0", ()
    else:
        visible_sql, visible_params = visible.order_by().values("pk").query.sql_with_params()
    ranked = (
        f"visible AS (SELECT * FROM hits WHERE EXISTS ({visible_sql})),"  # noqa: S608
        " top AS (SELECT * FROM visible ORDER BY closest_seconds, person_id LIMIT %s)"
    )
    insert = (
        f"INSERT INTO {TraceHit._meta.db_table}"  # noqa: S608 - values are bound
        " (trace_id, person_id, hop, encounters, first_at, last_at, closest_seconds)"
        " SELECT %s, person_id, 1, encounters, first_at, last_at, closest_seconds"
        f" FROM ({query.hit_rows('SELECT person_id FROM top')}) x"
        " ORDER BY closest_seconds, person_id"
    )
    counts = " SELECT (SELECT count(*) FROM hits), (SELECT count(*) FROM visible)"
    params = [*query.params, *visible_params, MAX_STORED_HITS]
    with connections[database].cursor() as cursor:
        if cursor.db.vendor == "postgresql":
            # One statement: the search runs once for the hits and both counts.
            cursor.execute(
                f"{query.sql}, {ranked}, stored AS ({insert}){counts}", [*params, trace.pk]
            )
        else:
            cursor.execute(f"{query.sql}, {ranked} {insert}", [*params, trace.pk])
            cursor.execute(f"{query.sql}, {ranked}{counts}", params)
        found, visible_count = cursor.fetchone()
    return found, visible_count


@transaction.atomic
def run_trace(
    *,
    case: Case,
    start: datetime,
    end: datetime,
    window_minutes: int,
    purpose: str,
    by: Any,
    request: HttpRequest | None = None,
) -> Trace:
    """One hop of presence tracing for a case, stored and audited with its purpose."""
    if refusal := case.trace_refusal():
        raise ValidationError(refusal)
    _check_trace_request(purpose=purpose, start=start, end=end, window=window_minutes)
    try:
        source = presence.require_source()
    except presence.PresenceUnavailable as exc:
        raise ValidationError(str(exc)) from exc
    passes = presence.passes_of([case.person_id], start=start, end=end, source=source)
    own = passes.get(case.person_id, [])
    names = presence.checkpoint_names({p.checkpoint_id for p in own}, source)
    trace = Trace.objects.create(
        case=case,
        requested_by=by,
        purpose=purpose.strip(),
        start=start,
        end=end,
        window_minutes=window_minutes,
        window_from=case.infectious_from(),
        passes=[
            {
                "checkpoint_id": p.checkpoint_id,
                "checkpoint": names[p.checkpoint_id],
                "at": p.at.isoformat(),
            }
            for p in own
        ],
    )
    found = 0
    if own:
        try:
            query = presence.first_hop_query(
                case.person_id,
                own,
                window=timedelta(minutes=window_minutes),
                source=source,
                labels=names,
            )
        except presence.TooManyPasses as exc:
            raise ValidationError(str(exc)) from exc
        found, trace.hop1_count = _store_first_hop(trace, query, by=by, database=source.database)
        trace.outside_count = found - trace.hop1_count
        trace.save(update_fields=["hop1_count", "outside_count"])
    local = timezone.localtime
    audit.record(
        action=AuditEvent.Action.TRACE,
        request=request,
        user=by,
        obj=case,
        detail=f"目的：{trace.purpose}；时段 {local(start):%Y-%m-%d %H:%M} 至 "
        f"{local(end):%Y-%m-%d %H:%M}，前后 {window_minutes} 分钟；"
        f"经过卡点 {len(own)} 次，"
        f"同时段人员 {found} 人（辖区外或未登记 {trace.outside_count} 人）",
    )
    return trace


@transaction.atomic
def request_second_hop(*, trace: Trace, by: Any, request: HttpRequest | None = None) -> Trace:
    """Queue hop 2 (who crossed the paths of the hop-1 persons) as a background task."""
    from ..tasks import trace_second_hop

    trace = Trace.objects.select_for_update().select_related("case").get(pk=trace.pk)
    if refusal := trace.case.trace_refusal():
        raise ValidationError(refusal)
    if trace.second_hop == Trace.Status.DONE:
        raise ValidationError("第二跳追踪已完成")
    if trace.second_hop in (Trace.Status.QUEUED, Trace.Status.RUNNING) and not (
        trace.second_hop_stale()
    ):
        raise ValidationError("第二跳追踪正在进行，请稍候")
    sources = trace.hop1_count
    if sources == 0:
        raise ValidationError("第一跳没有找到人员，无需追踪第二跳")
    if sources > MAX_SECOND_HOP_SOURCES:
        raise ValidationError(
            f"第一跳人员过多（{sources} 人），第二跳将覆盖大部分居民；"
            f"请缩小时段或时间窗重新追踪（第一跳不超过 {MAX_SECOND_HOP_SOURCES} 人）"
        )
    again = "，前次后台任务未完成，重新追踪" if trace.second_hop_stale() else ""
    trace.second_hop = Trace.Status.QUEUED
    trace.second_hop_error = ""
    trace.second_hop_requested_at = timezone.now()
    trace.second_hop_started_at = None
    trace.save(
        update_fields=[
            "second_hop",
            "second_hop_error",
            "second_hop_requested_at",
            "second_hop_started_at",
        ]
    )
    audit.record(
        action=AuditEvent.Action.TRACE,
        request=request,
        user=by,
        obj=trace.case,
        detail=f"请求第二跳追踪（追踪 {trace.pk}{again}）；目的：{trace.purpose}",
    )
    transaction.on_commit(lambda: trace_second_hop.enqueue(trace.pk))
    return trace


def run_second_hop(*, trace: Trace) -> Trace:
    """The background task's body: hop 2 from the stored hop-1 hits."""
    claimed = Trace.objects.filter(pk=trace.pk, second_hop=Trace.Status.QUEUED).update(
        second_hop=Trace.Status.RUNNING, second_hop_started_at=timezone.now()
    )
    if not claimed:
        return trace
    try:
        source = presence.require_source()
        first = [
            presence.Hit(
                person_id=h.person_id,
                hop=1,
                encounters=[
                    presence.Encounter(
                        e["checkpoint_id"],
                        datetime.fromisoformat(e["at"]),
                        datetime.fromisoformat(e["met_at"]),
                    )
                    for e in h.encounters
                ],
            )
            for h in TraceHit.objects.filter(trace=trace, hop=1)
        ]
        hits = presence.next_hop(
            first,
            end=trace.end,
            window_minutes=trace.window_minutes,
            exclude={trace.case.person_id},
            source=source,
        )
        names = presence.checkpoint_names(
            {e.checkpoint_id for h in hits for e in h.encounters}, source
        )
        with transaction.atomic():
            outside = _store_hits(trace, hits, names=names)
            Trace.objects.filter(pk=trace.pk).update(
                second_hop=Trace.Status.DONE,
                second_hop_finished_at=timezone.now(),
                outside_count=trace.outside_count + outside,
            )
    except Exception as exc:
        Trace.objects.filter(pk=trace.pk).update(
            second_hop=Trace.Status.FAILED,
            second_hop_error=str(exc)[:200],
            second_hop_finished_at=timezone.now(),
        )
        raise
    trace.refresh_from_db()
    return trace


@dataclass(frozen=True)
class TraceContacts:
    contacts: list[Contact]
    # Of ``contacts``, how many were new to the case (the rest were recorded before),
    # and how many were put under observation now.
    created: int
    observed: int
    # Asked to be observed, but their observation period had ended already: left as
    # contacts only.
    ended: list[Contact]
    # Asked to be observed, but their key-person record ended with no exposure after it
    # (``ended_record_refusal``): left with that record, with the refusal to show.
    refused: list[tuple[Contact, Refusal]]
    # Asked to be observed, but their latest key-person record is 失联 or 转医院
    # (``resume_refusal``): that record resumes, none is made; with the refusal to show.
    to_resume: list[tuple[Contact, Refusal]]
    # Asked to be observed, but infected or dead cases themselves (by the case's
    # classification label): left as contacts only.
    cases: dict[str, list[Contact]]
    # Hop-2 hits chosen whose hop-1 person is a secondary contact of the case already:
    # not made contacts (the chain stops at 次密接).
    beyond: list[TraceHit]


@transaction.atomic
def contacts_from_trace(
    *,
    trace: Trace,
    hits: list[TraceHit],
    observe: bool,
    measure: str = KeyPerson.Measure.CENTRAL,
    by: Any,
    request: HttpRequest | None = None,
) -> TraceContacts:
    """Turn chosen trace hits into contacts of the case (hop 1: 密接, hop 2: 次密接 via
    the hop-1 person's contact), each with kind 同一卡点时段 and the local date of the
    last encounter; with ``observe`` also put them under observation, except those
    whose observation period (from that date) is over, infected or dead cases, and those
    whose record ended with no new exposure since (each returned, to be named)."""
    # Checked on the locked row: an exclusion committed since the page read the case is
    # seen, and one under way waits until these contacts are written.
    case = locked_case(trace.case_id)
    if refusal := case.trace_refusal():
        raise ValidationError(refusal)
    if not hits:
        raise ValidationError("请至少选择一人")
    if any(h.trace_id != trace.pk for h in hits):
        raise ValidationError("所选人员不属于本次追踪")
    chosen = TraceHit.objects.filter(pk__in=[h.pk for h in hits])
    if chosen.count() != chosen.shown_to(by).count():
        raise ValidationError("所选人员中有不在您辖区的人员，请刷新页面后重新选择")
    blocked = list(chosen.not_convertible_by(by).select_related("person"))
    if blocked:
        names = "、".join(h.person.name for h in blocked)
        raise ValidationError(
            f"{names}经由的第一跳人员不在您的辖区，需先由其辖区登记为密接，才能登记其次密接"
        )
    contacts: dict[int, Contact] = {}
    beyond: list[TraceHit] = []
    created = 0
    hop1 = {h.pk: h for h in TraceHit.objects.filter(trace=trace, hop=1)}
    shown = set(
        TraceHit.objects.filter(trace=trace, hop=1).shown_to(by).values_list("pk", flat=True)
    )
    outside = {h.person_id for h in hop1.values() if h.pk not in shown}
    for hit in sorted(hits, key=lambda h: h.hop):
        via = None
        if hit.hop == 2:
            parent = hop1[hit.via_id]
            if parent.contact_id is None and parent.person_id in outside:
                # Theirs to keep: linked as it is (``not_convertible_by`` checked it exists).
                parent.contact = Contact.objects.get(case=case, person_id=parent.person_id)
            elif parent.contact_id is None:
                parent_contact, _ = _contact_for_hit(
                    parent, case=case, trace=trace, by=by, request=request
                )
                parent.contact = parent_contact
            via = parent.contact
            if via.degree != Contact.Degree.CLOSE:
                beyond.append(hit)  # the hop-1 person is a secondary contact already
                continue
        contact, new = _contact_for_hit(
            hit, case=case, trace=trace, via=via, by=by, request=request
        )
        contacts[contact.pk] = contact
        created += new
        if hit.hop == 1:
            hop1[hit.pk].contact = contact
    ended = []
    refused = []
    to_resume = []
    as_cases: dict[str, list[Contact]] = {}
    observed = 0
    if observe:
        own_cases = dict(
            Case.objects.not_observed_as_contacts()
            .filter(person_id__in=[c.person_id for c in contacts.values()])
            .values_list("person_id", "classification")
        )
        for contact in contacts.values():
            if contact.key_person_id is not None and contact.key_person.is_active:
                continue
            if contact.person_id in own_cases:
                label = Case.Classification(own_cases[contact.person_id]).label
                as_cases.setdefault(label, []).append(contact)
            elif observation_over(contact, category=(category := watch_category(contact))):
                ended.append(contact)
            else:
                # ``observe_contact`` in two steps: its checks once, their refusal sorted.
                checked = checked_for_observation(
                    contact=contact, measure=measure, by=by, category=category
                )
                contact, refusal = checked.contact, checked.refusal
                if refusal is None:
                    observe_checked(checked=checked, measure=measure, by=by, request=request)
                    observed += 1
                elif refusal.kind is Refusal.Kind.ENDED_RECORD:
                    refused.append((contact, refusal))
                elif refusal.kind is Refusal.Kind.RESUME:
                    to_resume.append((contact, refusal))
                else:
                    raise RecordInTheWay(refusal)
    detail = f"由轨迹追踪 {trace.pk} 登记密接 {len(contacts)} 人"
    if observe:
        detail += "并纳入管控"
    if ended:
        detail += f"（{len(ended)} 人观察期已过，未纳入）"
    if refused:
        detail += f"（{len(refused)} 人管控记录已结束，未重新纳入）"
    if to_resume:
        detail += f"（{len(to_resume)} 人已有失联/转医院记录待恢复，未新建记录）"
    if as_cases:
        detail += f"（{sum(len(c) for c in as_cases.values())} 人已是病例，未纳入）"
    if created or observed:  # the same choice sent again changes nothing to audit
        audit.record(
            action=AuditEvent.Action.CREATE, request=request, user=by, obj=case, detail=detail
        )
    return TraceContacts(
        contacts=list(contacts.values()),
        created=created,
        observed=observed,
        ended=ended,
        refused=refused,
        to_resume=to_resume,
        cases=as_cases,
        beyond=beyond,
    )


def _contact_for_hit(
    hit: TraceHit,
    *,
    case: Case,
    trace: Trace,
    by: Any,
    via: Contact | None = None,
    request: HttpRequest | None = None,
) -> tuple[Contact, bool]:
    contact, created = add_contact(
        case=case,
        case_locked=True,
        person=hit.person,
        kind=Contact.Kind.CHECKPOINT,
        last_contact_date=timezone.localdate(hit.last_at),
        via=via,
        notes=f"轨迹追踪：{len(hit.encounters)} 次同时段经过卡点",
        source=Contact.Source.TRACING,
        trace=trace,
        by=by,
        request=request,
    )
    TraceHit.objects.filter(pk=hit.pk).update(contact=contact)
    return contact, created
