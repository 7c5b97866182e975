"""The browser's back button on a supplies form already sent: the browser fetches the
form again and puts back what was typed; 保存 again stores nothing new, and the page
says the gift (or the issue) was recorded already. A form opened anew records anew."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.supplies.models import Donation, Movement

from .factories import RECIPIENT, item, location, stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def give(page, donor: str) -> None:
    page.fill("#id_donor_name", donor)
    page.select_option("#id_kind", "cash")
    page.fill("#id_amount", "500")
    page.select_option("#id_channel", "cash")
    page.click("button.primary")
    page.wait_for_url("**/supplies/donations/*/")


def test_back_then_save_again_records_a_donation_or_an_issue_once(desktop, world) -> None:
    log_in(desktop, "hq", PASSWORD)
    desktop.goto("/supplies/donations/new/")
    give(desktop, "李顺喜")
    recorded = desktop.url
    gift = Donation.objects.get()

    desktop.go_back()
    expect(desktop.locator("#id_donor_name")).to_have_value("李顺喜")  # put back by the browser
    desktop.click("button.primary")
    desktop.wait_for_url(recorded)
    expect(desktop.locator(".messages")).to_have_text(
        "这份捐赠已登记过（李顺喜），本次重复提交，未重复保存"
    )
    assert gift.receipt_no in desktop.content()
    assert Donation.objects.count() == 1

    desktop.goto("/supplies/donations/new/")  # a new form is a new gift
    give(desktop, "爱心人士")
    assert Donation.objects.count() == 2

    store = location(world.subdistrict, "仓库")
    masks = item()
    stock(store, 30, masks)
    desktop.goto(f"/supplies/locations/{store.pk}/out/")
    desktop.select_option("#id_item", str(masks.pk))
    desktop.fill("#id_quantity", "10")
    desktop.fill("#id_recipient", RECIPIENT)
    desktop.click("button.primary")
    desktop.wait_for_url(f"**/supplies/locations/{store.pk}/")
    desktop.go_back()
    expect(desktop.locator("#id_quantity")).to_have_value("10")
    desktop.click("button.primary")
    desktop.wait_for_url(f"**/supplies/locations/{store.pk}/")
    expect(desktop.locator(".messages")).to_contain_text("这次出库已登记过")
    assert Movement.objects.filter(kind="issue").count() == 1
    assert Movement.objects.filter(location=store).total() == 20
