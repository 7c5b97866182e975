"""The tiny demo proposes someone for release to the community's staff whatever the
local time of day it is built at. Which ledger persons the watch demo takes depends on
the hour (earlier builders draw from the same seeded generator as many times as there
are slots before now); at 09:00 and 19:00-21:00 the one meant for release used to be
the confirmed case's household contact in the cases demo, whose exposure extended
their period past today: nobody was proposed."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from shouwang.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("hour", "minute"), [(0, 30), (9, 0), (19, 0), (20, 0), (23, 59)])
def test_the_tiny_demo_proposes_someone_for_release_at_any_hour(
    client, clock, hour: int, minute: int
) -> None:
    clock.set(date(2026, 11, 25), hour, minute)
    call_command("demo", size="tiny", no_serve=True, stdout=io.StringIO())
    client.force_login(User.objects.get(username="staff_a"))
    page = client.get(reverse("watch:release")).content.decode()
    assert int(re.search(r"建议解除（(\d+) 人）", page).group(1)) >= 1
