"""Release notices (解除告知书) as PDF: WeasyPrint with Debian's Noto CJK fonts, one
page per person, nothing fetched from outside (no images, no web fonts)."""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string
from django.utils import timezone

from shouwang.areas.models import SEGMENT, Area

from .models import KeyPerson, KeyPersonEvent

BASIS = {
    KeyPerson.Reason.PERIOD_COMPLETE: (
        "经每日健康随访，观察期内未发现发热、咳嗽等异常情况，符合解除条件"
    ),
    KeyPerson.Reason.TEST_NEGATIVE: "经检测结果阴性并经评估，符合解除条件",
    KeyPerson.Reason.ORDERED_RELEASE: "根据上级通知，符合解除条件",
    KeyPerson.Reason.WRONG_INFO: "经核实，您不属于管控对象",
}


def _prefixes(path: str) -> list[str]:
    """The paths of the node at ``path`` and of its ancestors, nearest first."""
    return [path[:end] for end in range(len(path), 0, -SEGMENT)]


def _nearest(path: str, kind: str, areas: dict[str, Area]) -> Area | None:
    """The node of ``kind`` at ``path`` or above it, among ``areas`` (by path)."""
    for prefix in _prefixes(path):
        area = areas.get(prefix)
        if area is not None and area.kind == kind:
            return area
    return None


def _notices(records: list[KeyPerson]) -> list[dict]:
    """What each notice says, in three queries however many records: their areas'
    ancestors (community, sub-district) and the release that ended each record."""
    paths = {p for r in records for p in _prefixes(r.area.path)}
    areas = {a.path: a for a in Area.objects.filter(path__in=paths)}
    reasons: dict[int, str] = {}
    for key_person_id, reason in (
        KeyPersonEvent.objects.filter(
            key_person__in=records,
            kind=KeyPersonEvent.Kind.STATUS,
            to_status=KeyPerson.Status.RELEASED,
        )
        .order_by("at", "id")
        .values_list("key_person_id", "reason")
    ):
        reasons[key_person_id] = reason  # the latest release wins
    notices = []
    for record in records:
        community = _nearest(record.area.path, Area.Kind.COMMUNITY, areas)
        subdistrict = _nearest(community.path, Area.Kind.SUBDISTRICT, areas) if community else None
        released_on = timezone.localtime(record.ended_at).date() if record.ended_at else None
        reason = reasons.get(record.pk, KeyPerson.Reason.PERIOD_COMPLETE)
        notices.append(
            {
                "basis": BASIS.get(reason, BASIS[KeyPerson.Reason.PERIOD_COMPLETE]),
                "record": record,
                "person": record.person,
                # 集中隔离 is served at an isolation site, not at home: no place named.
                "address": "" if record.measure == KeyPerson.Measure.CENTRAL else record.address,
                "community": community,
                "issuer": "".join(a.name for a in (subdistrict, community) if a is not None),
                "released_on": released_on,
                "days": record.observed_days(released_on or record.planned_end),
            }
        )
    return notices


def release_pdf(records: Iterable[KeyPerson]) -> bytes:
    """One notice page per released record (``person__household__area__parent`` and
    ``area__parent`` loaded, as for ``KeyPerson.address``)."""
    from weasyprint import HTML

    html = render_to_string("watch/notice_pdf.html", {"notices": _notices(list(records))})
    return HTML(string=html).write_pdf()
