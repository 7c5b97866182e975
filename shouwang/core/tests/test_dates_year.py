"""The auditor's recent events name an event of last year with its year ("11-23
10:00:05" would be this year's) and keep their seconds."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_recent_events_of_last_year_carry_their_year(world) -> None:
    today = timezone.localdate()
    old = timezone.make_aware(datetime.combine(date(today.year - 1, 11, 23), time(10, 0, 5)))
    AuditEvent.objects.create(  # the log is append-only: written with last year's time
        at=old, action=AuditEvent.Action.LOGIN_FAILED, username="ghost", area=world.community_a
    )
    audit.record(action=AuditEvent.Action.EXPORT, user=world.staff_b)
    now = timezone.localtime(AuditEvent.objects.latest("at").at)
    page = world.client("auditor").get(reverse("core:home")).content.decode()
    assert f"<td>{today.year - 1}年11月23日 10:00:05</td>" in page
    assert f"<td>{now.month}月{now.day}日 {now:%H:%M:%S}</td>" in page
