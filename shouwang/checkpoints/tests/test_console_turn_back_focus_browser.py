"""A row's 劝返此人 on the post's console, in Debian's Chromium at 360×740. The list's
refresh waits while focus is inside it (not to wipe a reason being typed), and the
toggle kept the focus after staff closed it, or after its 劝返 was kept offline: the
list stopped refreshing until staff tapped elsewhere, new arrivals unseen. The toggle is
thumb-sized (44 px), like the console's other choices."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in

from ..models import CheckIn
from .factories import make_checkin, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_IN_ROWS = "document.getElementById('rows').contains(document.activeElement)"


def toggle(phone, declared):
    form = phone.locator(f"form[data-kind=turn_back][data-checkin='{declared.pk}']")
    return phone.locator("details.turn-back", has=form).locator("summary")


def a_new_arrival_shows(phone, world, gate) -> None:
    """Someone scans in after that, and the list shows them without a touch."""
    make_checkin(gate, person=make_person(world.building_a, "赵新来"), source="self")
    phone.wait_for_selector("#rows :text('赵新来')", timeout=8000)


def test_the_toggle_is_thumb_sized(phone, world, gate, declared):
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    assert toggle(phone, declared).bounding_box()["height"] >= 44
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_closing_the_toggle_lets_the_list_refresh(phone, world, gate, declared):
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    summary = toggle(phone, declared)
    summary.click()
    assert phone.locator(f"form[data-kind=turn_back][data-checkin='{declared.pk}']").is_visible()
    summary.click()
    # The toggle event follows the click as a task of its own.
    for _ in range(20):
        if not phone.evaluate(FOCUS_IN_ROWS):
            break
        phone.wait_for_timeout(100)
    assert not phone.evaluate(FOCUS_IN_ROWS)
    a_new_arrival_shows(phone, world, gate)


def test_a_turn_back_kept_offline_lets_the_list_refresh(phone, world, gate, declared):
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    phone.context.set_offline(True)
    toggle(phone, declared).click()
    form = phone.locator(f"form[data-kind=turn_back][data-checkin='{declared.pk}']")
    form.locator("input[name=reason]").fill("发热，劝其就医")
    form.locator("button").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert not phone.evaluate(FOCUS_IN_ROWS)
    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    declared.refresh_from_db()
    assert declared.status == CheckIn.Status.TURNED_BACK
    phone.wait_for_selector(
        f"form[data-checkin='{declared.pk}'][data-kind=turn_back]", state="detached"
    )
    a_new_arrival_shows(phone, world, gate)


def test_a_turn_back_saved_online_lets_the_list_refresh(phone, world, gate, declared):
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    toggle(phone, declared).click()
    form = phone.locator(f"form[data-kind=turn_back][data-checkin='{declared.pk}']")
    form.locator("input[name=reason]").fill("发热，劝其就医")
    form.locator("button").click()
    phone.wait_for_selector("#verdict")
    declared.refresh_from_db()
    assert declared.status == CheckIn.Status.TURNED_BACK
    assert not phone.evaluate(FOCUS_IN_ROWS)
    a_new_arrival_shows(phone, world, gate)
