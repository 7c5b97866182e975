"""The stock ledger in a browser: filtering by htmx, then exporting."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import downloaded_rows, log_in

from .factories import item, location, stock


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_export_takes_the_filter_just_chosen_on_the_page(desktop, world) -> None:
    store = location(world.community_a)
    stock(store, 10, item("医用口罩"))
    stock(store, 5, item("防护服"))
    log_in(desktop, "hq", PASSWORD)
    desktop.goto("/supplies/ledger/")
    with desktop.expect_response(lambda r: "item=" in r.url and "item=&" not in r.url):
        desktop.select_option("select[name=item]", label="防护服")
    # The answer is in; its rows are swapped in just after (waited for, not counted at once).
    expect(desktop.locator("#rows tbody tr")).to_have_count(1)
    with desktop.expect_download() as download:
        desktop.click("text=导出Excel")
    rows = downloaded_rows(download.value)
    assert len(rows) == 2
    assert "防护服" in rows[1]
