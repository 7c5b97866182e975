"""A grid worker on a phone finds a resident in a keystroke."""

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_grid_worker_finds_a_resident_on_a_phone(phone, world, ledger) -> None:
    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/people/")
    rows = phone.locator("#rows tbody tr")
    assert rows.count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.fill("#id_q", "zsf")  # pinyin initials, no Enter: htmx searches as one types
    phone.locator("#rows td.name", has_text="张三丰").wait_for()
    phone.wait_for_function("() => document.querySelectorAll('#rows tbody tr').length === 1")
    assert "410105********1230" in phone.locator("#rows").inner_text()
    assert phone.url.endswith("/people/")  # the typed text never goes into the URL
    phone.fill("#id_q", "4321")  # the last four digits of a phone
    phone.locator("#rows td.name", has_text="李小红").wait_for()
    phone.click("text=李小红")
    phone.wait_for_url("**/people/person/*/")
    assert phone.locator("h1").inner_text().startswith("李小红")
    assert "139****4321" in phone.content()
    assert "13987654321" not in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the person page must fit a 360-px phone"
