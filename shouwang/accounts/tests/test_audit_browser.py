import pytest
from django.test import Client
from django.urls import reverse

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
    assert desktop.locator("#rows tbody tr").count() == 1
    with desktop.expect_download() as download:
        desktop.click("text=导出Excel")
    rows = downloaded_rows(download.value)
    assert [row[3] for row in rows[1:]] == ["登录失败"]
