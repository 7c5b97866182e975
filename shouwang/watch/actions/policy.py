"""A community's follow-up policy and the categories, set by staff and HQ."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.unique import unique_write

from .. import schedule
from ..models import (
    DEFAULT_LOST_AFTER,
    MAX_LOST_AFTER,
    Category,
    PastSlots,
    WatchPolicy,
)


@transaction.atomic
def save_policy(
    *,
    community: Any,
    self_report: bool,
    slots: str,
    by: Any,
    lost_after: int = DEFAULT_LOST_AFTER,
) -> WatchPolicy:
    parsed = schedule.parse_slots(slots)
    if not 1 <= lost_after <= MAX_LOST_AFTER:
        raise ValidationError(f"疑似失联的时段数应为 1 到 {MAX_LOST_AFTER} 之间的整数")
    policy, created = WatchPolicy.objects.select_for_update().get_or_create(community=community)
    before = schedule.format_slots(schedule.DEFAULT) if created else policy.slots
    after = schedule.format_slots(parsed)
    if after != before:
        # The days before today keep the slots they were due under; a second change
        # today leaves them as the first found them.
        PastSlots.objects.get_or_create(
            policy=policy, until=schedule.local_day(timezone.now()), defaults={"slots": before}
        )
    policy.self_report = self_report
    policy.slots = after
    policy.lost_after = lost_after
    policy.updated_by = by
    policy.save(update_fields=["self_report", "slots", "lost_after", "updated_by", "updated_at"])
    audit.record(
        action=AuditEvent.Action.UPDATE,
        user=by,
        obj=policy,
        area=community,
        detail=f"自报：{'允许' if self_report else '不允许'}；时段：{policy.slots}；"
        f"疑似失联：{lost_after} 个时段未联系上",
    )
    return policy


def _check_category_name_free(category: Category) -> None:
    if Category.objects.filter(name=category.name).exclude(pk=category.pk).exists():
        raise ValidationError("已有同名类别，请换一个名称或修改原有类别")


@transaction.atomic
def save_category(*, category: Category, by: Any) -> Category:
    created = category.pk is None
    _check_category_name_free(category)
    with unique_write(lambda: _check_category_name_free(category)):
        category.save()
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        user=by,
        obj=category,
        detail=f"默认观察 {category.default_days} 天{'' if category.active else '（停用）'}",
    )
    return category
