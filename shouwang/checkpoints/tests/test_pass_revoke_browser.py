"""吊销 on the 出入证 list, in Debian's Chromium on the desktop: a revoked pass stops
opening gates for good (there is no undo), and every row has the button, so a slip of
the mouse must not revoke a resident's pass — the page asks first."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in

from .factories import make_pass, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_revoking_a_pass_asks_first(desktop, world) -> None:
    held = make_pass(make_person(world.building_a, "钱老人"))
    log_in(desktop, "staff_a", PASSWORD)
    desktop.goto("/checkpoints/passes/")
    button = desktop.locator(f"#pass-{held.pk} button:has-text('吊销')")

    asked: list[str] = []

    def say_no(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    desktop.once("dialog", say_no)
    button.click()
    desktop.wait_for_timeout(300)
    held.refresh_from_db()
    assert held.revoked_at is None, "not confirmed: still valid"
    assert asked == ["吊销钱老人的手机出入证？吊销后此证不能再通行，且不能恢复。"]

    desktop.once("dialog", lambda dialog: dialog.accept())
    button.click()
    desktop.wait_for_selector(f"#pass-{held.pk} .badge:has-text('已吊销')")
    held.refresh_from_db()
    assert held.revoked_at is not None
