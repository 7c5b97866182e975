"""Export of the (filtered) ledger to xlsx: masked by default; unmasked only through
the view that requires ``people.export_unmasked`` and a purpose. Both are audited, and
every text cell is neutralised by ``workbook_bytes`` (no formulas from user data)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.xlsx import workbook_bytes, xlsx_response

from .models import PersonQuerySet

# The import template's columns first, so an unmasked export can be re-imported.
HEADERS = [
    "姓名",
    "证件类型",
    "证件号码",
    "手机号",
    "小区",
    "楼栋",
    "单元",
    "房号",
    "与户主关系",
    "居住类型",
    "房屋类型",
    "标签",
    "党员",
    "备注",
    "性别",
    "出生日期",
    "年龄",
    "状态",
]
WIDTHS = [10, 14, 22, 14, 14, 8, 6, 8, 10, 8, 8, 20, 6, 20, 6, 12, 6, 8]
# A synchronous export must finish well within a worker's time limit: about one
# community (measured: ~16,000 persons in 22 s on a loaded 2-core machine).
MAX_ROWS = 20_000


def rows(qs: PersonQuerySet, *, unmasked: bool) -> Iterator[list[Any]]:
    today = timezone.localdate()
    persons = qs.select_related("household__area__parent", "area").prefetch_related("tags")
    for p in persons.iterator(chunk_size=2000):
        home = p.household
        area = home.area if home else p.area
        building = area.name if area.kind == "building" else ""
        compound = area.parent.name if building and area.parent_id else area.name
        yield [
            p.name,
            p.get_doc_type_display() if p.doc_enc else "",
            p.document_number if unmasked else p.document_masked,
            p.phone if unmasked else p.phone_masked,
            compound,
            building,
            home.unit if home else "",
            home.room if home else "",
            p.get_relation_display(),
            p.get_residence_type_display(),
            home.get_housing_type_display() if home else "",
            "、".join(t.name for t in p.tags.all()),
            "是" if p.party_member else "",
            p.notes,
            p.get_sex_display(),
            p.birth_date,
            p.age_on(today),
            "已迁出" if p.moved_out else "在册",
        ]


def export_response(
    qs: PersonQuerySet,
    *,
    request: HttpRequest,
    filters: str,
    unmasked: bool,
    purpose: str = "",
) -> HttpResponse:
    count = qs.count()
    if count > MAX_ROWS:
        messages.error(
            request, f"共 {count} 人，超过单次导出上限 {MAX_ROWS} 人，请按社区或小区筛选后分批导出"
        )
        return redirect("people:index")
    kind = "未脱敏" if unmasked else "脱敏"
    detail = f"导出人员台账（{kind}）{count} 人；筛选：{filters}"
    if purpose:
        detail += f"；用途：{purpose}"
    audit.record(action=AuditEvent.Action.EXPORT, request=request, detail=detail)
    content = workbook_bytes(HEADERS, rows(qs, unmasked=unmasked), title="人员台账", widths=WIDTHS)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"人员台账-{kind}-{stamp}.xlsx", content)
