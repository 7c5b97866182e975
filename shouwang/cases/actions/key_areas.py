"""Key areas (重点区域): marking and lifting them. Every change is audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import SEGMENT, Area

from ..models import (
    Case,
    KeyArea,
)
from .cases import EARLIEST_NEW_DATE

# A key area may be marked to start this many days ahead at most.
LATEST_KEY_AREA_START_DAYS = 30
# Its planned lift date lies this long after its start at most (a mistyped year would
# hold the area marked for good); a longer mark is lifted and marked again.
LONGEST_KEY_AREA = timedelta(days=365)


@transaction.atomic
def mark_key_area(
    *,
    area: Area,
    level: str,
    reason: str,
    start_date: date,
    end_date: date | None = None,
    case: Case | None = None,
    by: Any,
    request: HttpRequest | None = None,
) -> KeyArea:
    if area.kind not in (Area.Kind.COMPOUND, Area.Kind.BUILDING):
        raise ValidationError("重点区域只能是小区或楼栋")
    if level not in KeyArea.Level.values:
        raise ValidationError("请选择管控级别")
    if not reason.strip():
        raise ValidationError("请填写标记原因")
    today = timezone.localdate()
    # A mistyped year would count a miss for every day since (year 1), or hold the
    # area until a far day when it could first be lifted (a mark not started cannot be).
    if start_date < today - EARLIEST_NEW_DATE:
        raise ValidationError("开始日期早于一年前，请核对")
    if start_date > today + timedelta(days=LATEST_KEY_AREA_START_DAYS):
        raise ValidationError(f"开始日期不能晚于{LATEST_KEY_AREA_START_DAYS}天后，请核对")
    if end_date is not None and end_date <= start_date:
        raise ValidationError("解除日期应晚于开始日期")
    if end_date is not None and end_date > start_date + LONGEST_KEY_AREA:
        raise ValidationError("解除日期不能晚于开始日期后一年，请核对")
    # Two marks of one place at once (a double click) would both find no clash: the
    # place and its ancestors are locked first, in one order.
    prefixes = [area.path[:i] for i in range(SEGMENT, len(area.path) + 1, SEGMENT)]
    list(Area.objects.select_for_update().filter(path__in=prefixes).order_by("path"))
    overlapping = (
        KeyArea.objects.containing(area)
        .exclude(end_date__lte=start_date)
        .exclude(end_date__lte=F("start_date"))  # lifted before it started
    )
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lt=end_date)
    clash = overlapping.filter(area=area).first()
    if clash is not None:
        raise ValidationError(f"该区域在此期间已是重点区域（自 {clash.start_date}）")
    # A building in a marked compound is covered by it; only a stricter level of its
    # own (one building sealed in a compound followed up) is a mark of its own.
    rank = KeyArea.LEVEL_RANK[level]
    for cover in overlapping.select_related("area"):
        if cover.rank >= rank:
            raise ValidationError(
                f"该区域所在的{cover.area.name}在此期间已是重点区域"
                f"（{cover.get_level_display()}，自 {cover.start_date}），已包含该区域，"
                "无需重复标记；如需更严的管控，请选择更严的管控级别"
            )
    key_area = KeyArea.objects.create(
        area=area,
        case=case,
        level=level,
        reason=reason.strip(),
        start_date=start_date,
        end_date=end_date,
        marked_by=by,
    )
    audit.record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=by,
        obj=key_area,
        detail=f"标记重点区域：{key_area.get_level_display()}，自 {start_date}"
        + (f" 至 {end_date}" if end_date else "")
        + f"；{key_area.reason}",
    )
    return key_area


@transaction.atomic
def lift_key_area(
    *, key_area: KeyArea, by: Any, reason: str, request: HttpRequest | None = None
) -> KeyArea:
    today = timezone.localdate()
    refusal = key_area.lift_refusal(today)
    if refusal is not None:
        raise ValidationError(refusal)
    if not reason.strip():
        raise ValidationError("请填写解除原因")
    # Out of force from today; one not started yet is never in force.
    key_area.end_date = max(today, key_area.start_date)
    key_area.lifted_by = by
    key_area.lifted_at = timezone.now()
    key_area.save(update_fields=["end_date", "lifted_by", "lifted_at", "updated_at"])
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=key_area,
        detail=f"解除重点区域，解除日期 {key_area.end_date}；{reason.strip()}",
    )
    return key_area
