"""A family phone at the post, in Debian's Chromium at 360×740: after a tap for the
parent, staff ask for the parent's pass, and 我的出入证 on the result page must show
the parent's QR — not the adult's, whose scan would record the wrong person."""

from __future__ import annotations

import pytest

from ..tokens import COOKIE_NAME
from .factories import make_checkpoint, make_pass, make_person
from .test_family_phone import signed
from .test_phone_browser import fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_result_of_a_tap_for_a_parent_links_to_the_parent_s_pass(
    phone, world, live_server
) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    adult = make_pass(make_person(world.building_a, "王小明", room="302"))
    parent = make_pass(make_person(world.building_a, "王大爷", room="302"))
    phone.context.add_cookies(
        [{"name": COOKIE_NAME, "value": signed(adult.code, parent.code), "url": live_server.url}]
    )
    phone.goto(f"/c/{gate.code}/")
    phone.click("#family a:has-text('王*爷')")
    phone.click("button[name=direction][value=in]")
    phone.wait_for_selector("#result")
    assert "王*爷" in phone.inner_text("#result")

    phone.click("a:has-text('我的出入证')")
    phone.wait_for_url("**/pass/**")
    fits(phone)
    assert phone.inner_text("#family .now") == "王*爷"
    assert parent.code in phone.get_attribute("#qr", "src")
    assert phone.locator("#forget-one").inner_text() == "从本机清除王*爷"


def test_the_result_of_a_single_person_s_tap_links_to_the_plain_pass_page(
    phone, world, live_server
) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    only = make_pass(make_person(world.building_a, "王小明", room="302"))
    phone.context.add_cookies(
        [{"name": COOKIE_NAME, "value": signed(only.code), "url": live_server.url}]
    )
    phone.goto(f"/c/{gate.code}/")
    phone.click("button[name=direction][value=in]")
    phone.wait_for_selector("#result")
    phone.click("a:has-text('我的出入证')")
    phone.wait_for_url("**/pass/")
    assert phone.locator("#qr").is_visible()
