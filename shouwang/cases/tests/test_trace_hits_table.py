"""The trace results table: what each found person became, and the time gap."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from shouwang.cases.models import Contact, TraceHit

from .factories import make_case, make_contact, make_trace


def _hit(trace, contact, *, hop, seconds, via=None):
    at = timezone.now() - timedelta(hours=5)
    return TraceHit.objects.create(
        trace=trace,
        person=contact.person,
        hop=hop,
        via=via,
        first_at=at,
        last_at=at,
        closest_seconds=seconds,
        contact=contact,
    )


def test_it_badges_each_hit_with_the_contact_it_became_and_shows_short_gaps(world):
    case = make_case(world.building_a)
    at = (timezone.now() - timedelta(hours=5)).isoformat()
    trace = make_trace(
        case,
        passes=[{"checkpoint_id": 1, "checkpoint": "西门", "at": at}],
        hop1_count=1,
        second_hop="done",
    )
    close = make_contact(case, world.building_a)
    secondary = make_contact(case, world.building_a, degree=Contact.Degree.SECONDARY, via=close)
    first = _hit(trace, close, hop=1, seconds=30)
    _hit(trace, secondary, hop=2, seconds=150, via=first)
    page = world.client("hq").get(reverse("cases:trace", args=[trace.pk])).content.decode()
    hop1, hop2 = page.split("第二跳（")
    row = hop1.split(close.person.name)[-1].split("</tr>")[0]
    assert "已登记密接" in row
    assert "30 秒" in row
    assert "0 分钟" not in row
    row = hop2.split(secondary.person.name)[-1].split("</tr>")[0]
    assert "已登记次密接" in row
    assert "已登记密接" not in row
    assert "2 分 30 秒" in row
