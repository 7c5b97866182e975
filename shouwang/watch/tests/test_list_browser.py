"""The key-person register in a browser: filtering by htmx, then exporting."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import downloaded_rows, log_in
from shouwang.watch import actions
from shouwang.watch.tests import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_export_takes_the_filter_just_chosen_on_the_page(desktop, world) -> None:
    f.key_person(world.building_a, "在管")
    released = f.key_person(world.building_a, "已解")
    actions.change_status(
        key_person=released, status="released", reason="test_negative", by=world.staff_a
    )
    log_in(desktop, "staff_a", PASSWORD)
    desktop.goto("/watch/")
    with desktop.expect_response(lambda r: r.request.method == "POST" and "/watch/" in r.url):
        desktop.select_option("select[name=status]", "released")
    assert desktop.locator("#rows tbody tr").count() == 1
    with desktop.expect_download() as download:
        desktop.click("text=导出Excel")
    rows = downloaded_rows(download.value)
    assert [row[0] for row in rows[1:]] == ["已解"]
    assert desktop.url.endswith("/watch/")  # the filters went by POST, not into the URL
