"""Community staff reveal a number on the person page; past the hourly limit the
refusal takes its place."""

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reveal_shows_the_number_and_past_the_limit_says_why(desktop, world, ledger, settings):
    settings.PEOPLE_REVEALS_PER_HOUR = 1
    log_in(desktop, "staff_a", PASSWORD)
    desktop.goto(f"/people/person/{ledger.zhang.pk}/")
    desktop.on("dialog", lambda dialog: dialog.accept())
    desktop.click("#pii-document button")
    desktop.locator(".revealed", has_text="410105194001011230").wait_for()
    desktop.click("#pii-phone button")
    desktop.locator("[role=alert]", has_text="查看完整信息过于频繁").wait_for()
    assert "13512345678" not in desktop.content()
