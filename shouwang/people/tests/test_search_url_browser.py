"""In a real browser: choosing a filter puts it in the address, a reload shows the same
list, the typed text never reaches the address, and no copy of the rows is kept in the
browser's storage."""

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_filter_survives_a_reload_and_the_typed_text_stays_out(desktop, world, ledger) -> None:
    log_in(desktop, "staff_a", PASSWORD)
    desktop.goto("/people/")
    rows = desktop.locator("#rows tbody tr")
    assert rows.count() == 2
    desktop.select_option("#id_residence_type", "temporary")
    desktop.wait_for_url("**/people/?residence_type=temporary")
    desktop.wait_for_function("() => document.querySelectorAll('#rows tbody tr').length === 1")
    desktop.fill("#id_q", "4321")
    desktop.locator("#rows td.name", has_text="李小红").wait_for()
    desktop.wait_for_timeout(500)
    assert desktop.url.endswith("/people/?residence_type=temporary")
    desktop.reload()
    assert desktop.locator("#id_residence_type").input_value() == "temporary"
    assert desktop.locator("#id_q").input_value() == ""
    assert desktop.locator("#rows tbody tr").count() == 1
    assert "李小红" in desktop.locator("#rows").inner_text()
    stored = desktop.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert "李小红" not in stored
