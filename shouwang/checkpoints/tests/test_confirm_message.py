"""What the post's console says after staff confirm a declared self-scan on its row
(确认在场): that the person is there. "已确认为同一次通行（不重复登记）" is for a staff
pass scan that found the person's own self-scan and confirmed it instead of adding a
second passage; said after an explicit 确认在场, it read as if something had been
refused as a duplicate."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from .test_scan_confirms_self_scan import self_scanned, staff_scan

pytestmark = pytest.mark.django_db


def test_confirming_a_row_says_the_person_is_there(world, gate, declared) -> None:
    guard = world.client("guard_a")
    response = guard.post(
        reverse("checkpoints:checkin_confirm", args=[declared.pk]), {"temperature": "36.5"}
    )
    assert response.status_code == 302
    shown = guard.get(response["Location"]).content.decode()
    assert f"本人{timezone.localtime(declared.at):%H:%M}已扫码申报，已确认在场" in shown
    assert "同一次通行" not in shown
    assert "不重复登记" not in shown


def test_a_pass_scan_of_a_self_scanned_person_still_says_one_passage(world, gate) -> None:
    row = self_scanned(world, gate)
    response, _ = staff_scan(world, gate, row)
    shown = world.client("guard_a").get(response["Location"]).content.decode()
    assert "已确认为同一次通行（不重复登记）" in shown
    assert "已确认在场" not in shown
