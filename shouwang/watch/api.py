"""JSON API of the watch app (mounted at /api/v1/watch/), for the grid worker's phone.

``GET today`` is the follow-up sheet of the phone page 今日随访: the same records (a grid
worker's own by default, ``all=true`` for the whole visible area), the same slot states
from ``schedule.today_sheet`` and slots to 补录 (``figures.to_backfill``), and the same
section of records ended since yesterday that owe slots (``ended``), masked details
only.

``POST followups`` takes a batch of follow-ups the phone recorded while the network was
down (village lanes, stairwells). Each item goes through the phone page's form and
``actions.record_followup`` in its own transaction: a result per item, one bad item
never blocks the others, a re-sent item is reported as a duplicate. An item carries the
phone's recording time (``recorded_at``) and is stored on its own day and slot: today's,
or the previous day's when it arrives before the end of today (done at 21:30 offline,
uploaded after midnight: a 补录 through ``actions.backfill_followup``, with its upload
time as ``entered_at`` and an audit row), ``late`` when recorded after the slot's
deadline. Older days,
future days and recording times outside the day or ahead of the server's clock are
refused with the reason (``actions.check_recording_time``).
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field, WithJsonSchema
from pydantic import ValidationError as SchemaError

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.access import get_for_user
from shouwang.core.api_auth import CapabilityAuth
from shouwang.core.api_errors import field_message
from shouwang.core.api_reads import read

from . import actions, figures, schedule
from .forms import AttemptForm, FollowUpForm
from .models import ContactAttempt, FollowUp, KeyPerson, lists_own_only
from .views.records import records_for

logger = logging.getLogger(__name__)
router = Router(tags=["watch"])
MAX_BATCH = 200
PAGE_SIZE = 200
METHODS = FollowUp.WORKER_METHODS


class Choice(Schema):
    value: str
    label: str


class FollowUpDone(Schema):
    method: str
    method_label: str
    abnormal: bool
    temperature: Decimal | None
    symptoms: list[str] = Field(description="症状代码（见 symptoms 列表），无症状为空")
    symptom_labels: list[str] = Field(description="症状名称，如 咳嗽、咽痛")
    recorded_at: datetime
    late: bool = Field(description="补记：记录时间晚于该时段截止时间")


class AttemptOut(Schema):
    method: str
    method_label: str
    recorded_at: datetime


class SlotOut(Schema):
    number: int
    label: str
    opens: str = Field(description="开始时间（本地，HH:MM）")
    deadline: str = Field(description="截止时间（本地，HH:MM；24:00 为当天结束）")
    state: str = Field(
        description="done：已记录；open：可记录；overdue：已过截止时间，可补记；"
        "upcoming：未到开始时间；not_due：无需随访"
    )
    followup: FollowUpDone | None = None
    attempts: list[AttemptOut] = Field(
        default_factory=list, description="本时段未联系上的记录（不算随访，时段仍待随访）"
    )


class ProgressOut(Schema):
    due: int
    done: int
    overdue: int


class LostOut(Schema):
    slots: int = Field(description="自上次随访以来未联系上的时段数")
    attempts: int = Field(description="其间未联系上的次数")
    since: datetime = Field(description="其间第一次未联系上的时间")


class BackfillSlotOut(Schema):
    day: date
    number: int = Field(description="时段序号（从 1 开始）")
    label: str
    opens: str
    deadline: str


class CardOut(Schema):
    key_person: int = Field(description="重点人员记录编号（id），上传随访时使用")
    name: str
    start_date: date = Field(description="观察开始日期")
    day_number: int | None = Field(description="观察第几天；开始日期之前为 null")
    category: str
    measure: str
    address: str
    phone_masked: str = Field(
        description="脱敏手机号；拨打请以 POST 请求 call_url（记录查看日志），应答转到 tel: 号码"
    )
    call_url: str | None
    pending: bool = Field(description="今天还有可记录的时段")
    progress: ProgressOut = Field(
        description="今天应随访、已完成、逾期的次数（含昨日截止24:00的时段，今天0时到期）"
    )
    lost: LostOut | None = Field(
        None, description="疑似失联（多个时段未联系上，其间无随访）；否则为空"
    )
    slots: list[SlotOut]
    backfill: list[BackfillSlotOut] = Field(
        description="可补录的未随访时段（昨日的，今天24时前补录）："
        "上传时带 day 和实际随访时间 recorded_at"
    )


class EndedCardOut(Schema):
    key_person: int = Field(description="重点人员记录编号（id），补录时使用")
    name: str
    category: str
    address: str
    status: str
    status_label: str = Field(description="如 已解除、转医院")
    ended_at: datetime | None
    backfill: list[BackfillSlotOut] = Field(
        description="结束管控前应随访而未随访的时段（昨日的，及今天结束前的），只可补录；"
        "recorded_at 须早于 ended_at"
    )


class TodayOut(Schema):
    now: datetime
    day: date
    mine: bool = Field(description="只列出本人负责的人员（网格员默认）")
    total: ProgressOut
    methods: list[Choice]
    symptoms: list[Choice]
    count: int
    page: int
    pages: int
    cards: list[CardOut]
    ended: list[EndedCardOut] = Field(
        description="昨日以来结束管控（解除、转医院……）、尚有未随访时段可补录的人员（只在第 1 页）"
    )


class FollowUpIn(Schema):
    client_id: uuid.UUID = Field(description="手机生成的提交编号；重发同一条只保存一次")
    key_person: int = Field(description="重点人员记录编号（id）")
    day: date = Field(
        description="随访日期（北京时间的日期）：今天；或前一天（离线记录的，须在今天24时前上传，"
        "并附 recorded_at）；更早或晚于今天的日期不予保存"
    )
    slot: int = Field(description="时段序号（从 1 开始）")
    method: str = Field(description="phone：电话；visit：上门")
    reached: bool = Field(
        True,
        description="false：未联系上（电话无人接听、上门无人）——记录在案，但不算随访，时段仍待随访；"
        "此时不填体温和症状",
    )
    temperature: Decimal | str | None = Field(None, description="体温（℃），如 36.5；可不填")
    symptoms: list[str] = Field(default_factory=list, description="症状代码，无症状为空")
    note: str = ""
    recorded_at: datetime | None = Field(
        None,
        description="手机上记录随访的时间（ISO 8601，如 2020-02-03T21:30:00+08:00；"
        "不带时区按北京时间）。离线记录、过后上传时必填：须在 day 当天、"
        "该时段开始之后，且不晚于服务器时间5分钟以上；晚于时段截止时间记为补记（late）。"
        "不填则以上传时间为记录时间",
    )


# Each item is checked on its own (``_item``): one of the wrong shape (a field of the
# wrong type, a number too large, not an object) fails alone instead of refusing the
# batch, whose other items would then wait on the phone for ever. The OpenAPI document
# still describes an item.
RawItem = Annotated[Any, WithJsonSchema(FollowUpIn.model_json_schema())]

# What an item's fields are called on the phone page, for a refusal of its shape.
FIELD_LABELS = {
    "client_id": "提交编号",
    "key_person": "重点人员",
    "day": "随访日期",
    "slot": "随访时段",
    "method": "随访方式",
    "reached": "是否联系上（reached）",
    "temperature": "体温",
    "symptoms": "症状",
    "note": "备注",
    "recorded_at": "记录时间",
}
# A field whose wrong shape the phone page words otherwise says it as the page does.
SHAPE_MESSAGES = {"temperature": "体温应为数字，如 36.5"}


class BatchIn(Schema):
    items: list[RawItem]


class ItemOut(Schema):
    client_id: str
    result: Literal["created", "duplicate", "refused"]
    ok: bool
    id: int | None = None
    abnormal: bool | None = None
    late: bool | None = None
    retry: bool = Field(False, description="暂时无法保存（服务器原因），请保留此条稍后重新上传")
    message: str = Field("", description="未保存的原因；或本时段已有他人的记录")
    errors: dict[str, str] = Field(
        default_factory=dict,
        description="未保存时，按字段说明要改正什么：键为本条的字段名（slot、method、temperature、"
        "symptoms、note、day、recorded_at、key_person、client_id），值为中文说明",
    )


class BatchOut(Schema):
    stored: int
    duplicates: int
    refused: int
    results: list[ItemOut]


FOLLOWUP_REFUSED = "您的角色没有随访权限"


def _require_followup(request) -> None:
    """As ``require_capability("watch.followup")`` on the phone page: 403 and an audit row."""
    if not request.user.can("watch.followup"):
        audit.record(
            action=AuditEvent.Action.DENIED,
            request=request,
            result=AuditEvent.Result.DENIED,
            detail=f"{request.method} {request.path}（缺少权限 watch.followup）",
        )
        raise HttpError(403, FOLLOWUP_REFUSED)


def _backfill_slots(missed: list[schedule.DueSlot]) -> list[dict]:
    return [
        {
            "day": d.day,
            "number": d.slot.number,
            "label": d.slot.label,
            "opens": f"{d.slot.opens:%H:%M}",
            "deadline": d.slot.deadline_text,
        }
        for d in missed
    ]


def _ended_card(record: KeyPerson, missed: list[schedule.DueSlot]) -> dict:
    return {
        "key_person": record.pk,
        "name": record.person.name,
        "category": record.category.name,
        "address": record.address,
        "status": record.status,
        "status_label": record.get_status_display(),
        "ended_at": record.ended_at,
        "backfill": _backfill_slots(missed),
    }


def _card(
    record: KeyPerson,
    states: list[schedule.SlotState],
    *,
    today: date,
    lost: schedule.LostContact | None,
    backfill: list[schedule.DueSlot],
    carried: schedule.Progress | None,
) -> dict:
    person = record.person
    return {
        "key_person": record.pk,
        "name": person.name,
        "start_date": record.start_date,
        "day_number": record.day_number(today) if record.start_date <= today else None,
        "category": record.category.name,
        "measure": record.get_measure_display(),
        "address": record.address,
        "phone_masked": person.phone_masked,
        "call_url": reverse("watch:call", args=[record.pk]) if person.phone_last4 else None,
        "pending": any(s.can_record for s in states),
        "progress": figures.day_progress(states, carried),
        "lost": None
        if lost is None
        else {"slots": lost.slots, "attempts": lost.attempts, "since": lost.since},
        "slots": [
            {
                "number": s.slot.number,
                "label": s.slot.label,
                "opens": f"{s.slot.opens:%H:%M}",
                "deadline": s.slot.deadline_text,
                "state": s.state,
                "followup": None
                if s.followup is None
                else {
                    "method": s.followup.method,
                    "method_label": s.followup.get_method_display(),
                    "abnormal": s.followup.abnormal,
                    "temperature": s.followup.temperature,
                    "symptoms": s.followup.symptom_codes,
                    "symptom_labels": s.followup.symptom_labels,
                    "recorded_at": s.followup.recorded_at,
                    "late": s.followup.late,
                },
                "attempts": [
                    {
                        "method": a.method,
                        "method_label": a.get_method_display(),
                        "recorded_at": a.recorded_at,
                    }
                    for a in s.attempts
                ],
            }
            for s in states
        ],
        "backfill": _backfill_slots(backfill),
    }


@read(router, "/today", response=TodayOut, url_name="watch_today")
def today(
    request,
    everyone: bool = Query(False, alias="all", description="网格员查看全部可见人员"),
    page: int = Query(1, ge=1),
) -> dict:
    """Today's follow-up sheet, as on the phone page 今日随访; who still needs a
    follow-up first, ``PAGE_SIZE`` cards a page."""
    _require_followup(request)
    user = request.user
    mine = lists_own_only(user, everyone=everyone)
    yesterday = schedule.local_day(timezone.now()) - timedelta(days=1)
    sheet = figures.followup_sheet(
        KeyPerson.objects.on_followup_sheet(user, everyone=everyone),
        FollowUp.objects.visible_to(user),
        ended=KeyPerson.objects.ended_on_followup_sheet(
            user, since=schedule.day_start(yesterday), everyone=everyone
        ),
    )
    paginator = Paginator(sheet.rows, PAGE_SIZE)
    current = paginator.get_page(page)
    ended_rows = sheet.ended if current.number == 1 else []
    # Full records and their follow-ups for this page's cards only; a record moved out
    # of reach since the first read is left out, not a 500.
    by_pk = records_for(user).in_bulk([row.pk for row in [*current, *ended_rows]])
    shown = [by_pk[row.pk] for row in current if row.pk in by_pk]
    states = schedule.today_sheet(shown, now=sheet.now, policies=sheet.policies)
    lost = schedule.suspected_lost_of(shown, policies=sheet.policies)
    return {
        "now": sheet.now,
        "day": sheet.day,
        "mine": mine,
        "total": sheet.total,
        "methods": [{"value": m.value, "label": m.label} for m in METHODS],
        "symptoms": [{"value": v, "label": label} for v, label in FollowUp.Symptom.choices],
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "cards": [
            _card(
                r,
                states[r.pk],
                today=sheet.day,
                lost=lost.get(r.pk),
                backfill=sheet.backfill.get(r.pk, []),
                carried=sheet.carried.get(r.pk),
            )
            for r in shown
        ],
        "ended": [
            _ended_card(by_pk[row.pk], sheet.backfill[row.pk])
            for row in ended_rows
            if row.pk in by_pk
        ],
    }


def _record(
    request, item: FollowUpIn, *, now: datetime, records: dict[int, KeyPerson]
) -> tuple[FollowUp | ContactAttempt, bool]:
    """Store one item: a follow-up, or (``reached`` false) an attempt that reached
    nobody."""
    fields = {
        "client_id": str(item.client_id),
        "day": item.day,
        "slot": item.slot,
        "method": item.method,
        "note": item.note,
    }
    if item.reached:
        temperature = "" if item.temperature is None else str(item.temperature)
        form = FollowUpForm({**fields, "temperature": temperature, "symptoms": item.symptoms})
    else:
        form = AttemptForm(fields)
    errors = {} if form.is_valid() else form.errors.as_data()
    if not item.reached:
        for name, given in (("temperature", item.temperature), ("symptoms", item.symptoms)):
            if given not in (None, "", []):
                errors[name] = [ValidationError("未联系上时不能填写体温或症状")]
    if errors:
        raise ValidationError(errors)
    record = records.get(item.key_person)
    if record is None:
        record = get_for_user(records_for(request.user), request.user, pk=item.key_person)
        records[item.key_person] = record
    recorded_at = item.recorded_at
    if recorded_at is not None and timezone.is_naive(recorded_at):
        recorded_at = timezone.make_aware(recorded_at, schedule.zone())
    if (
        item.reached
        and recorded_at is not None
        and actions.is_backfill(key_person=record, day=item.day, recorded_at=recorded_at, now=now)
    ):
        return _backfill(request, record, form.cleaned_data, recorded_at=recorded_at, now=now)
    record_item = actions.record_followup if item.reached else actions.record_attempt
    return record_item(
        key_person=record,
        recorded_at=recorded_at,
        by=request.user,
        now=now,
        **form.cleaned_data,
    )


def _backfill(
    request, record: KeyPerson, data: dict, *, recorded_at: datetime, now: datetime
) -> tuple[FollowUp, bool]:
    """Yesterday's follow-up uploaded today, or today's of a record ended since: a
    补录 as on the page (``entered_at`` now, audited), done at the phone's recording
    time; a time refused is the item's ``recorded_at`` to correct."""
    try:
        return actions.backfill_followup(
            key_person=record,
            done_at=recorded_at.astimezone(schedule.zone()).time(),
            by=request.user,
            now=now,
            **data,
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {
                "recorded_at" if name == "done_at" else name: errors
                for name, errors in exc.error_dict.items()
            }
        ) from exc


def _item(raw: Any) -> FollowUpIn:
    """One item of the batch, or a ValidationError naming (in Chinese) each field of the
    wrong shape with what is wrong — the first error of each field (a union such as the
    temperature's reports one per member)."""
    if not isinstance(raw, dict):
        raise ValidationError("每条记录应为对象（JSON object）")
    try:
        return FollowUpIn.model_validate(raw)
    except SchemaError as exc:
        errors: dict[str, list[ValidationError]] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error.get("loc") else ""
            if name not in errors:
                text = FIELD_LABELS.get(name, name) + field_message({**error, "loc": ()})
                errors[name] = [ValidationError(SHAPE_MESSAGES.get(name, text))]
        raise ValidationError(errors) from None


def _client_id(raw: Any) -> str:
    """The item's client id as sent, for the phone to match its answer to its item."""
    value = raw.get("client_id") if isinstance(raw, dict) else None
    return str(value)[:100] if value is not None else ""


@router.post(
    "/followups",
    response=BatchOut,
    url_name="watch_followups_batch",
    auth=CapabilityAuth("watch.followup", FOLLOWUP_REFUSED),
)
def upload_followups(request, batch: BatchIn) -> dict:
    """Batch upload of follow-ups recorded offline; one result per item (a role without
    ``watch.followup`` is refused before the body is read)."""
    if len(batch.items) > MAX_BATCH:
        raise HttpError(400, f"一次最多上传 {MAX_BATCH} 条")
    records: dict[int, KeyPerson] = {}
    results = []
    for raw in batch.items:
        out: dict = {"client_id": _client_id(raw), "result": "refused", "ok": False}
        try:
            item = _item(raw)
            with transaction.atomic():
                followup, created = _record(request, item, now=timezone.now(), records=records)
        except ValidationError as exc:
            out["message"] = "；".join(exc.messages)
            if hasattr(exc, "error_dict"):
                out["errors"] = {name: "；".join(m) for name, m in exc.message_dict.items()}
        except Http404:
            out["message"] = "没有这个重点人员，或不在您的辖区"
            out["errors"] = {"key_person": out["message"]}
        except DatabaseError:
            logger.exception("follow-up item %s not stored", item.client_id)
            out.update(message="此条暂时无法保存，请稍后重新上传", retry=True)
        else:
            out.update(result="created" if created else "duplicate", ok=True, id=followup.pk)
            if item.reached:
                out.update(abnormal=followup.abnormal, late=followup.late)
            if followup.client_id != item.client_id:
                out["message"] = "本时段已有记录，未重复保存"
        results.append(out)
    return {
        "stored": sum(r["result"] == "created" for r in results),
        "duplicates": sum(r["result"] == "duplicate" for r in results),
        "refused": sum(r["result"] == "refused" for r in results),
        "results": results,
    }
