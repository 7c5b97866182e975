"""The status change in a browser: choosing a status leaves only its reasons."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.watch.models import KeyPerson
from shouwang.watch.tests import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_choosing_a_status_offers_only_its_reasons(desktop, world) -> None:
    record = f.key_person(world.building_a, "周一")
    log_in(desktop, "staff_a", PASSWORD)
    desktop.goto(f"/watch/{record.pk}/")
    reasons = desktop.locator("#status-reason option:not([value=''])")
    assert reasons.count() == sum(
        len(r) for s, r in KeyPerson.REASONS_FOR.items() if s != KeyPerson.Status.ACTIVE
    )
    with desktop.expect_response(lambda r: "/status/?status=lost" in r.url):
        desktop.select_option("#status-status", "lost")
    # The response has arrived; htmx swaps the select in after it: wait for the swap.
    expect(reasons).to_have_text(["多次电话联系不上", "上门无人，去向不明"])
    desktop.select_option("#status-reason", "unreachable")
    with desktop.expect_navigation():
        desktop.click("form[action$='/status/'] button")
    expect(desktop.locator("body")).to_contain_text("状态已变更为“失联”")
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.LOST
