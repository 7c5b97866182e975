"""In a real browser: back from a person to the filtered ledger shows the whole page
again (not the rows alone), with the filtered list, and no copy of the rows is kept in
the browser's storage. The global htmx config in base.html (no history cache, a reload on
a history miss) does this for every page; the ledger needs nothing of its own."""

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_back_from_a_person_shows_the_whole_filtered_ledger(desktop, world, ledger) -> None:
    log_in(desktop, "staff_a", PASSWORD)
    desktop.goto("/people/")
    desktop.select_option("#id_residence_type", "temporary")
    desktop.wait_for_url("**/people/?residence_type=temporary")
    desktop.wait_for_function("() => document.querySelectorAll('#rows tbody tr').length === 1")
    desktop.locator("#rows a", has_text="李小红").first.click()
    desktop.wait_for_url(f"**/people/person/{ledger.li.pk}/")
    desktop.go_back()
    desktop.wait_for_url("**/people/?residence_type=temporary")
    desktop.wait_for_function("() => document.querySelectorAll('#rows tbody tr').length === 1")
    assert desktop.locator("header.topbar").count() == 1
    assert desktop.locator("#ledger-search").count() == 1
    assert desktop.locator("#id_residence_type").input_value() == "temporary"
    assert "李小红" in desktop.locator("#rows").inner_text()
    stored = desktop.evaluate(
        "JSON.stringify([Object.assign({}, sessionStorage), Object.assign({}, localStorage)])"
    )
    assert "李小红" not in stored
    assert "张三丰" not in stored
