"""A grid worker opens a key person's page on a phone (Debian's Chromium, 360×740): the
facts table — ID, phone, address, source, grid, responsible worker — reads as label and
value pairs on the screen, not as four columns of which the phone number and the
responsible worker sit off the right edge, in a table to be scrolled sideways."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.watch.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_facts_fit_a_phone_s_screen(phone, world) -> None:
    record = f.key_person(world.building_a, "周一", responsible=world.grid_worker_a)
    log_in(phone, "grid_a", PASSWORD)
    phone.goto(f"/watch/{record.pk}/")
    cells = phone.eval_on_selector_all(
        ".w-facts th, .w-facts td",
        "cs => cs.map(c => { const r = c.getBoundingClientRect();"
        " return [c.innerText.trim(), r.left, r.right]; })",
    )
    labels = [text for text, _, _ in cells]
    assert labels[:4] == ["居民身份证", labels[1], "手机号", "139****5678"]
    assert "责任网格员" in labels
    off = [(text, left, right) for text, left, right in cells if left < 0 or right > 360]
    assert off == [], off
    table = phone.eval_on_selector(".w-facts", "t => [t.scrollWidth, t.clientWidth]")
    assert table[0] <= table[1], "no sideways scroll"
    # Each label is beside its value, the value to the right on the same line.
    phone_label = phone.locator(".w-facts th:has-text('手机号')").bounding_box()
    phone_value = phone.locator(".w-facts td:has-text('139****5678')").bounding_box()
    assert abs(phone_label["y"] - phone_value["y"]) < 2
    assert phone_value["x"] > phone_label["x"]
