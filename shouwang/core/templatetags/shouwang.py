from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone

from shouwang.core import text

register = template.Library()


@register.filter
def can(user: object, capability: str) -> bool:
    """``{% if user|can:"areas.manage" %}``"""
    return bool(getattr(user, "is_authenticated", False) and user.can(capability))


@register.filter
def error_list(form: Any) -> str:
    """A filter form's messages in one sentence: ``姓名：…；日期：…`` — each with its
    field's label, joined by ；, with no full stop before a separator (…选择。；)."""
    parts = [
        f"{field.label}：{str(error).rstrip('。.')}" for field in form for error in field.errors
    ]
    return "；".join(parts) + "。" if parts else ""


@register.filter
def day_label(day: date | datetime | None) -> str:
    """``{{ day|day_label }}``: 11月23日, with the year when it is not the current one; an
    instant by its local day."""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date()
    return text.day_label(day) if day else ""


@register.filter
def moment_label(moment: datetime | None, precision: str = "") -> str:
    """``{{ at|moment_label }}``: 11月23日 15:30, with the year when it is not the current
    one; ``{{ at|moment_label:"seconds" }}``: 11月23日 15:30:05 (logs)."""
    if not moment:
        return ""
    if precision == "seconds":
        return f"{text.moment_label(moment)}:{timezone.localtime(moment):%S}"
    return text.moment_label(moment)
