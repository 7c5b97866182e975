"""The links left small on phone pages, in Debian's Chromium at 360×740: each is a
thumb's tap high (44 px, the size phone makers recommend) without breaking the
360-px layout — the header's 改密码 and 退出 over every staff page, and on the
resident's one-tap page 换人, 我的出入证 and 添加家人 (about 24 px, a tap beside them
easily missed or landing on its neighbour). The resident's page stays light."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in, page_weight

from ..tokens import COOKIE_NAME
from .factories import make_checkpoint, make_pass, make_person
from .test_family_phone import signed
from .test_phone_browser import fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THUMB = 44


def heights(page, selector: str) -> list[tuple[str, float]]:
    return page.eval_on_selector_all(
        selector, "es => es.map(e => [e.innerText.trim(), e.getBoundingClientRect().height])"
    )


def test_the_header_s_links_are_thumb_sized(phone, world, gate) -> None:
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    links = heights(phone, ".topbar .who a, .topbar .who button")
    assert [name for name, _ in links][1:] == ["改密码", "退出"]
    assert all(h >= THUMB for _, h in links), links
    fits(phone)


def test_the_one_tap_page_s_links_are_thumb_sized(phone, world, live_server) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    held = [
        make_pass(make_person(world.building_a, name, room="302")) for name in ("王小明", "王强")
    ]
    phone.context.add_cookies(
        [{"name": COOKIE_NAME, "value": signed(*(p.code for p in held)), "url": live_server.url}]
    )
    phone.goto(f"/c/{gate.code}/?p={held[1].code}")
    links = heights(phone, "#who a, main > p a")
    assert [name for name, _ in links] == ["换人", "我的出入证", "添加家人"]
    assert all(h >= THUMB for _, h in links), links
    fits(phone)
    for direction in ("in", "out"):  # still on the first screen
        box = phone.locator(f"button[name=direction][value={direction}]").bounding_box()
        assert box["y"] + box["height"] <= 740
    assert page_weight(phone) < 100_000
    phone.click("#who a")
    phone.wait_for_url(f"**/c/{gate.code}/")
    assert phone.locator("#family a.who").count() == 2
