"""On its planned end day the person's own page says the period is over and release
is coming, not 第 15 天 of a 14-day period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_page_says_the_period_is_over(client, world, clock, policy_a) -> None:
    today = clock.today
    clock.set(today - timedelta(days=14), 8, 0)
    record = f.key_person(world.building_a, "王期满", start=today - timedelta(days=14))
    clock.set(today, 9, 0)
    page = client.get(reverse("watch:self_report", args=[record.self_report_token()]))
    text = page.content.decode()
    assert "您的居家观察期已满，社区将为您办理解除" in text
    assert "第 15 天" not in text
