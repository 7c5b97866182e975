"""The day's bulletin and its template, as edited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area

from ..models import Bulletin, BulletinTemplate, DailyFigure
from .figures import ReportError


@transaction.atomic
def save_bulletin(
    *, area: Area, day: date, text: str, by: Any, request: HttpRequest | None = None
) -> Bulletin:
    """Keep the day's bulletin of ``area`` as edited (one per area and day); audited.
    Refused before the day's roll-up: there is no text to edit (the page offers none),
    and a bulletin kept then would speak of figures nobody has seen."""
    if not DailyFigure.objects.filter(area=area, day=day).exists():
        raise ReportError("该日尚未汇总，不能保存通报；请汇总后按当日数字生成再修改保存")
    bulletin, _ = Bulletin.objects.update_or_create(
        area=area, day=day, defaults={"text": text, "updated_by": by}
    )
    audit.record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=area,
        detail=f"保存{day.isoformat()}通报",
    )
    return bulletin


@transaction.atomic
def save_bulletin_template(
    *, area: Area, text: str, by: Any, request: HttpRequest | None = None
) -> BulletinTemplate:
    """Keep ``area``'s bulletin template (its own, or the default's replacement); audited."""
    template, _ = BulletinTemplate.objects.update_or_create(
        area=area, defaults={"text": text, "updated_by": by}
    )
    audit.record(
        action=AuditEvent.Action.UPDATE, request=request, user=by, obj=area, detail="修改通报模板"
    )
    return template
