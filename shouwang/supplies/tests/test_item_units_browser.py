"""The unit select in a browser: choosing an item swaps in that item's units (htmx),
in the purchase form and in a donation line, and the purchase is stored in the pack
chosen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.supplies.models import Balance

from .factories import item, location


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_choosing_an_item_offers_its_units_only(desktop, world) -> None:
    store = location(world.subdistrict, "明湖街道仓库")
    liquid = item("84消毒液")
    log_in(desktop, "hq", PASSWORD)
    desktop.goto("/supplies/purchase/")
    desktop.select_option("select[name=location]", label="明湖街道仓库")
    desktop.select_option("select[name=item]", label="84消毒液")
    units = desktop.locator("select[name=unit] option")
    expect(units).to_have_text(["瓶（基本单位）", "箱（24瓶）"])
    desktop.select_option("select[name=unit]", label="箱（24瓶）")
    desktop.fill("input[name=quantity]", "3")
    desktop.click("button.primary")
    expect(desktop.locator("text=已入库")).to_be_visible()
    assert Balance.objects.get(location=store, item=liquid).quantity == 72

    desktop.goto("/supplies/donations/new/")
    desktop.select_option("select[name=lines-1-item]", label="消毒液")
    expect(desktop.locator("select[name=lines-1-unit] option")).to_have_text(
        ["公斤（基本单位）", "桶（25公斤）"]
    )
    expect(desktop.locator("select[name=lines-0-unit] optgroup")).not_to_have_count(0)
