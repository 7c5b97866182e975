"""A post without signal, in Debian's Chromium at 360×740: staff confirm a self-scan on
its row (确认在场), the phone keeps it, and the signal comes back. The list and today's
figures must then show the confirmation. The refresh waits while focus is inside the
list (not to wipe a temperature being typed), and the tapped 确认在场 kept the focus
after its form was kept and cleared: the row stayed 自助申报待确认, 待确认 unchanged, for
as long as staff touched nothing else — read as not confirmed, and confirmed again."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in

from ..models import CheckIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_row_confirmed_offline_shows_confirmed_once_uploaded(phone, world, gate, declared):
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    assert phone.inner_text("[data-figure=declared]") == "待确认 1"
    phone.context.set_offline(True)
    row = phone.locator(f"form[data-kind=confirm][data-checkin='{declared.pk}']")
    row.locator("input[name=temperature]").fill("36.6")
    row.locator("button").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    declared.refresh_from_db()
    assert declared.status == CheckIn.Status.CONFIRMED
    # Without a touch on the screen: the list is refreshed with the upload.
    phone.wait_for_selector(
        f"form[data-checkin='{declared.pk}'][data-kind=confirm]", state="detached"
    )
    assert "值守已确认" in phone.inner_text("#rows")
    assert phone.inner_text("[data-figure=declared]") == "待确认 0"
