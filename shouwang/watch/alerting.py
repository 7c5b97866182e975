"""What an alert says. Alerts go to the community and HQ, so their text carries no ID
or phone number and only the family name: the full record is one click away for those
allowed to open it. Its dates carry their year always (``year=True``): the text is
stored, and read in a year that may not be the one it was written in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shouwang.core import pii
from shouwang.core.text import moment_label

from .models import FollowUp, KeyPerson

if TYPE_CHECKING:
    from .schedule import LostContact


def masked_name(name: str) -> str:
    """'张三丰' -> '张**'; a one-character name stays '张*'."""
    name = (name or "").strip()
    if not name:
        return "（未知）"
    return name[0] + "*" * max(len(name) - 1, 1)


def place(area: Any) -> str:
    """'西城花园1号楼' for a building, the area's own name otherwise."""
    return area.place


def followup_title(record: KeyPerson, followup: FollowUp) -> str:
    what = f"体温{followup.temperature}℃" if followup.fever else "有症状"
    who = f"{record.category.name}人员{masked_name(record.person.name)}"
    return f"随访异常：{who}{what}（{place(record.area)}）"


def followup_detail(followup: FollowUp) -> str:
    parts = []
    if followup.temperature is not None:
        parts.append(f"体温 {followup.temperature}℃")
    if followup.symptoms:
        parts.append("症状：" + "、".join(followup.symptom_labels))
    parts.append(f"方式：{followup.get_method_display()}")
    parts.append(f"记录时间：{moment_label(followup.recorded_at, year=True)}")
    if followup.note:
        parts.append(f"说明：{pii.mask_in_text(followup.note)}")
    return "；".join(parts)


def overdue_title(record: KeyPerson, label: str) -> str:
    return (
        f"随访逾期：{record.category.name}人员{masked_name(record.person.name)}"
        f"（{place(record.area)}）{label}未随访"
    )


def lost_title(record: KeyPerson, lost: LostContact) -> str:
    return (
        f"疑似失联：{record.category.name}人员{masked_name(record.person.name)}"
        f"（{place(record.area)}）{lost.slots}个时段未联系上"
    )


def lost_detail(lost: LostContact) -> str:
    """When and how the tries reached nobody; their notes stay on the record's page
    (typed freely, they may hold a name or a number)."""
    last = lost.last
    return (
        f"自 {moment_label(lost.since, year=True)} 起 {lost.slots} 个时段"
        f"共 {lost.attempts} 次未联系上，其间无随访；最近一次："
        f"{last.get_method_display()} {moment_label(last.recorded_at, year=True)}"
    )
