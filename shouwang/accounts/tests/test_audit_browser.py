import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import downloaded_rows, log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_export_takes_the_filter_just_chosen_on_the_page(desktop, world) -> None:
    Client().post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    log_in(desktop, "auditor", PASSWORD)
    desktop.goto("/accounts/audit/")
    with desktop.expect_response(lambda r: "action=login_failed" in r.url):
        desktop.select_option("select[name=action]", "login_failed")
    # The answer is in; its rows are swapped in just after (waited for, not counted at once).
    expect(desktop.locator("#rows tbody tr")).to_have_count(1)
    with desktop.expect_download() as download:
        desktop.click("text=导出Excel")
    rows = downloaded_rows(download.value)
    assert [row[3] for row in rows[1:]] == ["登录失败"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_contradictory_date_range_shows_its_error_in_place_of_the_rows(desktop, world) -> None:
    Client().post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    log_in(desktop, "auditor", PASSWORD)
    desktop.goto("/accounts/audit/")
    desktop.fill("input[name=start]", "2020-02-02")
    with desktop.expect_response(lambda r: "end=2020-02-01" in r.url):
        desktop.fill("input[name=end]", "2020-02-01")
    error = desktop.locator("#rows [role=alert]")
    error.wait_for()
    assert "截止日期不能早于起始日期" in error.inner_text()
    assert desktop.locator("#rows tbody tr td.muted").inner_text() == "没有记录"
    assert desktop.locator("#rows").count() == 1
