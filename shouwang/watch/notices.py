"""Release notices (解除告知书) as PDF: WeasyPrint with Debian's Noto CJK fonts, one
page per person, nothing fetched from outside (no images, no web fonts)."""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string
from django.utils import timezone

from shouwang.areas.models import Area

from .models import KeyPerson, KeyPersonEvent

BASIS = {
    KeyPerson.Reason.PERIOD_COMPLETE: (
        "经每日健康随访，观察期内未发现发热、咳嗽等异常情况，符合解除条件"
    ),
    KeyPerson.Reason.TEST_NEGATIVE: "经检测结果阴性并经评估，符合解除条件",
    KeyPerson.Reason.ORDERED_RELEASE: "根据上级通知，符合解除条件",
    KeyPerson.Reason.WRONG_INFO: "经核实，您不属于管控对象",
}


def _notice(record: KeyPerson) -> dict:
    community = record.area.ancestor_of_kind(Area.Kind.COMMUNITY)
    subdistrict = community.ancestor_of_kind(Area.Kind.SUBDISTRICT) if community else None
    person = record.person
    address = record.address
    released_on = timezone.localtime(record.ended_at).date() if record.ended_at else None
    last = (
        record.events.filter(kind=KeyPersonEvent.Kind.STATUS, to_status=KeyPerson.Status.RELEASED)
        .order_by("-at", "-id")
        .first()
    )
    reason = last.reason if last else KeyPerson.Reason.PERIOD_COMPLETE
    return {
        "basis": BASIS.get(reason, BASIS[KeyPerson.Reason.PERIOD_COMPLETE]),
        "record": record,
        "person": person,
        "address": address,
        "community": community,
        "issuer": "".join(a.name for a in (subdistrict, community) if a is not None),
        "released_on": released_on,
        "days": record.observed_days(released_on or record.planned_end),
    }


def release_pdf(records: Iterable[KeyPerson]) -> bytes:
    """One notice page per released record."""
    from weasyprint import HTML

    html = render_to_string("watch/notice_pdf.html", {"notices": [_notice(r) for r in records]})
    return HTML(string=html).write_pdf()
