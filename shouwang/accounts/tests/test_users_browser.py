import pytest
from playwright.sync_api import expect

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_search_swaps_the_rows_whole(desktop, world) -> None:
    log_in(desktop, "hq", PASSWORD)
    desktop.goto("/accounts/users/")
    with desktop.expect_response(lambda r: "q=staff_a" in r.url):
        desktop.fill("input[name=q]", "staff_a")
    expect(desktop.locator("#rows tbody tr")).to_have_count(1)
    with desktop.expect_response(lambda r: "q=staff_" in r.url and "q=staff_a" not in r.url):
        desktop.fill("input[name=q]", "staff_")
    expect(desktop.locator("#rows tbody tr")).to_have_count(2)
    assert desktop.locator("#rows").count() == 1
