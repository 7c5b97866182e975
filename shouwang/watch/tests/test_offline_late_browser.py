"""A follow-up tapped without network in a slot already past its deadline is stored as
补记 (``late``, from the phone's recording time): once uploaded, the slot the phone drew
shows the same 补记 badge as the card the server draws, with its deadline in the title."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.utils import timezone

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.watch import schedule
from shouwang.watch.models import FollowUp, WatchPolicy
from shouwang.watch.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def record(world):
    if timezone.localtime().time().strftime("%H:%M") <= "00:02":
        pytest.skip("the one-minute slot is not over yet")
    WatchPolicy.objects.create(community=world.community_a, slots="凌晨 00:00-00:01")
    today = timezone.localdate()
    midnight = datetime.combine(today, time(0, 0), tzinfo=schedule.zone())
    return f.key_person(world.building_a, "孙三", start=today, created_at=midnight)


def test_an_offline_tap_after_the_deadline_shows_as_late_once_uploaded(
    phone, world, record
) -> None:
    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    card = phone.locator(f"#kp-{record.pk}")
    assert "已逾期，可补记" in card.inner_text()
    phone.context.set_offline(True)
    card.get_by_role("button", name="电话·正常").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert card.locator(".badge:has-text('补记')").count() == 0  # the server decides

    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    assert FollowUp.objects.get(key_person=record).late
    badge = card.locator(".w-slot.done .w-done .badge.yellow")
    assert badge.inner_text() == "补记"
    assert badge.get_attribute("title") == "截止 00:01 后记录"

    # The card the server draws says the same.
    phone.reload()
    served = phone.locator(f"#kp-{record.pk} .w-slot.done .w-done .badge.yellow")
    assert served.inner_text() == "补记"
    assert served.get_attribute("title") == "截止 00:01 后记录"


def test_an_offline_tap_in_time_has_no_late_badge(phone, world) -> None:
    WatchPolicy.objects.create(community=world.community_a, slots="全天 00:00-23:59")
    record = f.key_person(world.building_a, "周四")
    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    card = phone.locator(f"#kp-{record.pk}")
    phone.context.set_offline(True)
    card.get_by_role("button", name="电话·正常").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    assert not FollowUp.objects.get(key_person=record).late
    assert "已上传" in card.inner_text()
    assert card.locator(".badge:has-text('补记')").count() == 0
