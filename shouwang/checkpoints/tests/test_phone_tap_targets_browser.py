"""What a resident taps at the gate, in Debian's Chromium at 360×740, is big enough for
a thumb (44 px high, the size phone makers recommend): the health declaration's boxes —
a slip onto 发热 turns the passage red and alerts the community — and, on a phone for a
family, the names that switch the pass shown to staff. The declaration's title sits
inside its box, not across its top edge."""

from __future__ import annotations

import pytest

from ..tokens import COOKIE_NAME
from .factories import make_checkpoint, make_pass, make_person
from .test_family_phone import signed
from .test_phone_browser import fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THUMB = 44


def declaration_targets(page) -> list[tuple[str, float]]:
    """Each declaration box's label (what a tap on it ticks) and its height."""
    return page.eval_on_selector_all(
        "fieldset.checks label:has(input[type=checkbox])",
        "ls => ls.map(l => [l.innerText.trim(), l.getBoundingClientRect().height])",
    )


def legend_inside(page) -> bool:
    return page.eval_on_selector(
        "fieldset.checks",
        "f => f.querySelector('legend').getBoundingClientRect().top"
        " >= f.getBoundingClientRect().top",
    )


def test_the_registration_form_s_declaration_boxes_are_thumb_sized(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    phone.goto(f"/c/{gate.code}/register/")
    targets = declaration_targets(phone)
    assert [name for name, _ in targets] == [
        "发热",
        "咳嗽、乏力",
        "14天内到过疫情风险地区",
        "14天内接触过确诊或疑似病例",
    ]
    assert all(height >= THUMB for _, height in targets), targets
    assert legend_inside(phone)
    fits(phone)
    phone.click("label:has(#id_fever)")
    assert phone.is_checked("#id_fever")


def test_the_one_tap_page_s_boxes_are_thumb_sized_and_the_buttons_above_the_fold(
    phone, world, live_server
) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    held = make_pass(make_person(world.building_a, "王小明", room="302"))
    phone.context.add_cookies(
        [{"name": COOKIE_NAME, "value": signed(held.code), "url": live_server.url}]
    )
    phone.goto(f"/c/{gate.code}/")
    targets = declaration_targets(phone)
    assert len(targets) == 5
    assert all(height >= THUMB for _, height in targets), targets
    assert legend_inside(phone)
    fits(phone)
    # The bigger boxes leave 进 and 出 on the first screen.
    for direction in ("in", "out"):
        box = phone.locator(f"button[name=direction][value={direction}]").bounding_box()
        assert box["y"] + box["height"] <= 740


def test_a_family_phone_s_pass_switches_person_with_a_thumb(phone, world, live_server) -> None:
    held = [
        make_pass(make_person(world.building_a, name, room="302"))
        for name in ("王小明", "王强", "李奶奶")
    ]
    phone.context.add_cookies(
        [{"name": COOKIE_NAME, "value": signed(*(p.code for p in held)), "url": live_server.url}]
    )
    phone.goto("/pass/")
    names = phone.eval_on_selector_all(
        "#family a, #family b",
        "es => es.map(e => [e.innerText.trim(), e.getBoundingClientRect().height,"
        " e.getBoundingClientRect().width])",
    )
    assert [n for n, _, _ in names] == ["王*明", "*强", "李*奶"]
    assert all(h >= THUMB and w >= THUMB for _, h, w in names), names
    fits(phone)
    phone.click("#family a:has-text('*强')")
    phone.wait_for_url(f"**/pass/?p={held[1].code}")
    assert phone.inner_text("#family b") == "*强"


def test_a_family_s_next_scan_is_a_thumb_sized_button(phone, world, live_server) -> None:
    """A parent scanning for each of the family in turn taps 为其他家人扫码 after each
    result, a queue waiting behind them."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    held = [
        make_pass(make_person(world.building_a, name, room="302")) for name in ("王小明", "王强")
    ]
    phone.context.add_cookies(
        [{"name": COOKIE_NAME, "value": signed(*(p.code for p in held)), "url": live_server.url}]
    )
    phone.goto(f"/c/{gate.code}/?p={held[1].code}")
    phone.click("button[name=direction][value=in]")
    phone.wait_for_selector("#result")
    box = phone.locator("#next").bounding_box()
    assert box["height"] >= THUMB, box
    assert box["width"] >= 200, box
    fits(phone)
    phone.click("#next")
    phone.wait_for_url(f"**/c/{gate.code}/")
    assert phone.locator("#family a.who").count() == 2


def test_a_carried_risk_reads_as_one_line_with_its_day_after_it(phone, world, live_server):
    """The day a risk was declared (（11月25日申报）) follows the box's words, wrapping
    after them; as a third column beside a 22 px box it broke 疫情风险地区 in two."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    held = make_pass(make_person(world.building_a, "王小明", room="302"), risk_travel=True)
    phone.context.add_cookies(
        [{"name": COOKIE_NAME, "value": signed(held.code), "url": live_server.url}]
    )
    phone.goto(f"/c/{gate.code}/")
    assert phone.is_checked("#id_risk_travel")
    label = phone.locator("label:has(#id_risk_travel)")
    assert "申报）" in label.inner_text()
    lines = label.evaluate(
        "l => { const r = document.createRange();"
        " const words = [...l.querySelectorAll('*'), l].flatMap(e => [...e.childNodes])"
        "   .find(n => n.nodeType === 3 && n.textContent.includes('疫情风险地区'));"
        " r.selectNodeContents(words); return r.getClientRects().length; }"
    )
    assert lines == 1
    assert label.bounding_box()["height"] >= THUMB
    fits(phone)
