"""The 纳入管控 page shows every refusal ``observe_contact`` would give before the
user fills in the form (``actions.observe_refusal``): no form, the reason and a link."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from shouwang.watch.models import KeyPerson

from .factories import ended_record, make_case, make_contact


def test_it_shows_a_record_to_resume_without_the_form(world):
    today = timezone.localdate()
    case = make_case(world.building_a, onset_date=today - timedelta(days=5))
    first = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=5))
    old = ended_record(
        first, status=KeyPerson.Status.LOST, reason=KeyPerson.Reason.UNREACHABLE, by=world.staff_a
    )
    other = make_case(world.building_a, onset_date=today - timedelta(days=3))
    contact = make_contact(
        other, world.building_a, person=first.person, last_contact_date=today - timedelta(days=2)
    )
    response = world.client("staff_a").get(reverse("cases:contact_observe", args=[contact.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "已有失联的管控记录，未新建记录" in body
    assert f'<a href="{reverse("watch:detail", args=[old.pk])}">查看该管控记录</a>' in body
    assert "<form" not in body.split("<h1>", 1)[1]
