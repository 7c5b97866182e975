"""JSON API of the checkpoints app (mounted at /api/v1/checkpoints/).

``POST checkins`` takes a batch of passages a staff phone recorded while offline. Each
item carries its client id and is stored in its own transaction: a result per item,
one bad item never blocks the others, and a re-sent item is reported as a duplicate.
Items of kind ``confirm``, ``measure`` and ``release`` act on an existing passage (a row's
确认在场, 记录体温 and 放行 made offline): the same value whenever, and however often, it
arrives.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from django import forms
from django.db import DatabaseError, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field, WithJsonSchema
from pydantic import ValidationError as SchemaError

from shouwang.core.access import get_for_user
from shouwang.core.api_auth import CapabilityAuth
from shouwang.core.api_errors import field_message
from shouwang.people.documents import DocumentError, validate_phone

from . import actions, tokens
from .forms import clean_plate, refuse_control_characters
from .models import CheckIn, Checkpoint

logger = logging.getLogger(__name__)
router = Router(tags=["checkpoints"])
MAX_BATCH = 500
MAX_AGE = timedelta(days=7)


class CheckInIn(Schema):
    client_id: uuid.UUID
    checkpoint: int = Field(description="卡点编号（id）")
    at: datetime | None = Field(None, description="登记时间（ISO 8601，带时区）；缺省为收到时间")
    direction: Literal["in", "out"]
    kind: Literal[
        "pass", "person", "vehicle", "visitor", "turn_back", "confirm", "measure", "release"
    ] = Field(
        description="pass：扫出入证（需 token）；person：人员登记；vehicle：车辆；"
        "visitor：访客（name、phone、visiting、reason）；turn_back：劝返（需 reason）；"
        "（附 checkin 时：劝返该条通行记录上的人员或车辆，不新增记录）；"
        "confirm：确认一条自助扫码在场（需 checkin，可附 temperature）；"
        "measure：为一条通行记录补记体温（需 checkin、temperature）；"
        "release：放行一条红色外出记录（需 checkin、reason：hospital 就医、transfer 核酸/转运、"
        "supply 保供、permit 持证出入、other 其他（需 other））"
    )
    checkin: int | None = Field(
        None, description="confirm、measure、turn_back、release 所指的通行记录编号（id）"
    )
    token: str = ""
    temperature: Decimal | None = None
    plate: str = ""
    occupants: int | None = Field(None, ge=1, le=60)
    reason: str = Field("", max_length=100)
    name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    visiting: str = Field("", max_length=100)
    other: str = Field("", max_length=80, description="release 选 other 时的具体原因")


# Each item is checked on its own (``_item``): one of the wrong shape (a number out of
# range, a field too long) fails alone instead of refusing the batch, whose other items
# would then wait on the phone for ever. The OpenAPI document still describes an item.
RawItem = Annotated[Any, WithJsonSchema(CheckInIn.model_json_schema())]


# The schemas are named apart from other apps' batches (the watch app's BatchIn): the
# OpenAPI document keys schemas by name, and one would describe the other's request.
class CheckInBatchIn(Schema):
    items: list[RawItem]
    sent_at: datetime | None = Field(
        None,
        description="发送时手机的时钟（ISO 8601，带时区）；各条 at 按其与服务器时间之差校正"
        "（手机时钟不准时，登记时间仍正确）",
    )


class CheckInItemOut(Schema):
    client_id: str
    ok: bool
    duplicate: bool = False
    updated: bool = Field(
        False,
        description="confirm、measure：已更新所指的通行记录；pass：确认了此人刚才的自助扫码记录"
        "（未新增通行）",
    )
    id: int | None = None
    result: str | None = None
    status: str | None = None
    error: str = ""


class CheckInBatchOut(Schema):
    stored: int
    duplicates: int
    updated: int
    failed: int
    results: list[CheckInItemOut]


def _aware(moment: datetime) -> datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _clock_error(batch: CheckInBatchIn) -> timedelta:
    """How far the phone's clock is off: its time at sending against the server's."""
    return timedelta(0) if batch.sent_at is None else _aware(batch.sent_at) - timezone.now()


IMPLAUSIBLE_TIME = "登记时间不合理（不能晚于现在，也不能早于7天前）"


def _at(item: CheckInIn, clock_error: timedelta) -> datetime:
    now = timezone.now()
    if item.at is None:
        return now
    try:
        at = _aware(item.at) - clock_error
    except OverflowError:  # the time, corrected by the phone's clock, is before year 1 or past 9999
        raise actions.CheckInRefused(IMPLAUSIBLE_TIME) from None
    if at > now + timedelta(minutes=5) or at < now - MAX_AGE:
        raise actions.CheckInRefused(IMPLAUSIBLE_TIME)
    return at


TEXT_FIELDS = {
    "name": "姓名",
    "phone": "手机号",
    "visiting": "拜访对象",
    "reason": "原因",
    "plate": "车牌",
    "other": "其他原因",
}


def _check_text(item: CheckInIn) -> None:
    """Refuse control characters (NUL, line breaks …) in the free-text fields with a
    message naming the field, as the console's forms do (``LineField``)."""
    for field, label in TEXT_FIELDS.items():
        try:
            refuse_control_characters(getattr(item, field), label=label)
        except forms.ValidationError as exc:
            raise actions.CheckInRefused(exc.messages[0]) from None


def _update(request: HttpRequest, item: CheckInIn, checkpoint: Checkpoint) -> actions.Recorded:
    """A row's 确认在场, 记录体温, 劝返 or 放行 made offline: the same value whenever it
    arrives."""
    if item.checkin is None:
        raise actions.CheckInRefused("请指明通行记录（checkin）")
    try:
        row = get_for_user(
            CheckIn.objects.select_related("checkpoint__area", "person"),
            request.user,
            pk=item.checkin,
        )
    except Http404:
        raise actions.CheckInRefused("没有这条通行记录，或无权处理") from None
    if row.checkpoint_id != checkpoint.pk:
        raise actions.CheckInRefused("这条通行记录不属于此卡点")
    if item.kind == "measure" and item.temperature is None:
        raise actions.CheckInRefused("请填写体温")
    if item.kind == "turn_back" and not item.reason.strip():
        raise actions.CheckInRefused("劝返须填写原因")
    with transaction.atomic():  # a confirmation with a refused temperature is not kept
        if item.kind == "turn_back":
            actions.turn_back_checkin(checkin=row, reason=item.reason.strip(), by=request.user)
        elif item.kind == "release":
            actions.release_checkin(
                checkin=row, reason=item.reason.strip(), other=item.other, by=request.user
            )
        elif item.kind == "confirm":
            actions.confirm(checkin=row, by=request.user, temperature=item.temperature)
        else:
            actions.measure(checkin=row, temperature=item.temperature, by=request.user)
    return actions.Recorded(row, created=False)


def _updates_a_row(item: CheckInIn) -> bool:
    """Items acting on a passage already recorded, named by ``checkin``."""
    return item.kind in ("confirm", "measure", "release") or (
        item.kind == "turn_back" and item.checkin is not None
    )


def _record(
    request: HttpRequest,
    item: CheckInIn,
    checkpoints: dict[int, Checkpoint],
    clock_error: timedelta,
) -> actions.Recorded:
    checkpoint = checkpoints.get(item.checkpoint)
    if checkpoint is None:
        checkpoint = get_for_user(
            Checkpoint.objects.select_related("area"), request.user, pk=item.checkpoint
        )
        checkpoints[item.checkpoint] = checkpoint
    _check_text(item)
    if _updates_a_row(item):
        return _update(request, item, checkpoint)
    common = {
        "checkpoint": checkpoint,
        "client_id": item.client_id,
        "direction": item.direction,
        "temperature": item.temperature,
        "by": request.user,
        "at": _at(item, clock_error),
        "source": CheckIn.Source.API,
    }
    if item.kind == "pass":
        return actions.scan_pass(**common, token=item.token)
    if item.kind == "vehicle":
        return actions.record_vehicle(
            **common, plate=clean_plate(item.plate), occupants=item.occupants or 1
        )
    if item.kind == "visitor":
        if not (item.name.strip() and item.visiting.strip() and item.reason.strip()):
            raise actions.CheckInRefused("访客须填写姓名、拜访对象和来访事由")
        try:
            phone = validate_phone(item.phone)
        except DocumentError as exc:
            raise actions.CheckInRefused(str(exc)) from exc
        return actions.record_visitor(
            **common,
            name=item.name.strip(),
            phone=phone,
            visiting=item.visiting.strip(),
            reason=item.reason.strip(),
        )
    if item.kind == "turn_back":
        if not item.reason.strip():
            raise actions.CheckInRefused("劝返须填写原因")
        vehicle = bool(item.plate)
        return actions.turn_back(
            **common,
            subject=CheckIn.Subject.VEHICLE if vehicle else CheckIn.Subject.PERSON,
            plate=clean_plate(item.plate) if vehicle else "",
            occupants=item.occupants or 1,
            reason=item.reason.strip(),
        )
    return actions.record_checkin(**common, status=CheckIn.Status.CONFIRMED)


def _item(raw: Any) -> CheckInIn:
    """One item of the batch, or CheckInRefused saying (in Chinese) which field to fix."""
    if not isinstance(raw, dict):
        raise actions.CheckInRefused("每条记录应为对象（JSON object）")
    try:
        return CheckInIn.model_validate(raw)
    except SchemaError as exc:
        raise actions.CheckInRefused("；".join(field_message(e) for e in exc.errors())) from None


def _client_id(raw: Any) -> str:
    """The item's client id as sent, for the phone to match its answer to its item."""
    value = raw.get("client_id") if isinstance(raw, dict) else None
    return str(value)[:100] if value is not None else ""


@router.post(
    "/checkins",
    response=CheckInBatchOut,
    url_name="checkins_batch",
    auth=CapabilityAuth("checkpoints.console", "您的角色没有卡点值守权限"),
)
def upload_checkins(request: HttpRequest, batch: CheckInBatchIn) -> dict:
    """Batch upload of staff check-ins recorded offline; one result per item (a role
    without ``checkpoints.console`` is refused before the body is read)."""
    if len(batch.items) > MAX_BATCH:
        raise HttpError(400, f"一次最多上传 {MAX_BATCH} 条")
    checkpoints: dict[int, Checkpoint] = {}
    clock_error = _clock_error(batch)
    results = []
    for raw in batch.items:
        out = {"client_id": _client_id(raw), "ok": False, "duplicate": False, "updated": False}
        try:
            item = _item(raw)
        except actions.CheckInRefused as exc:
            out["error"] = str(exc)
            results.append(out)
            continue
        try:
            recorded = _record(request, item, checkpoints, clock_error)
        except (actions.CheckInRefused, tokens.TokenRejected) as exc:
            out["error"] = str(exc)
        except forms.ValidationError as exc:
            out["error"] = "；".join(exc.messages)
        except Http404:
            out["error"] = "没有这个卡点，或无权在此卡点登记"
        except (DatabaseError, ValueError):
            logger.exception("check-in item %s not stored", item.client_id)
            out["error"] = "此条无法保存，请核对后重试"
        else:
            row = recorded.checkin
            # A pass scan that confirmed the person's self-scan updated that row.
            updated = _updates_a_row(item) or recorded.confirmed
            out.update(
                ok=True,
                duplicate=not recorded.created and not updated,
                updated=updated,
                id=row.pk,
                result=row.result,
                status=row.status,
            )
        results.append(out)
    return {
        "stored": sum(1 for r in results if r["ok"] and not r["duplicate"] and not r["updated"]),
        "duplicates": sum(1 for r in results if r["duplicate"]),
        "updated": sum(1 for r in results if r["updated"]),
        "failed": sum(1 for r in results if not r["ok"]),
        "results": results,
    }
