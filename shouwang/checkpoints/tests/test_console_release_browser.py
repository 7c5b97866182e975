"""放行此人 on the post's console, in Debian's Chromium at 360×740: staff open the row's
toggle, tap a reason (each a thumb's tap), and the row becomes an 出 let through; 其他
without its text is refused in Chinese and nothing is written; kept offline, it is
uploaded once the network is back."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.cases.tests.factories import make_key_area
from shouwang.core.tests.browser import log_in

from ..models import SEALED_EXIT, CheckIn
from .factories import make_checkin, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sealed_exit(world, gate) -> CheckIn:
    """A resident's tap out of the sealed compound, turned back by the rule."""
    make_key_area(world.compound_a, level="sealed")
    return make_checkin(
        gate,
        person=make_person(world.building_a, "王封控"),
        direction="out",
        source="self",
        status="turned_back",
        result="r",
        note=f"劝返：{SEALED_EXIT}",
    )


def open_release(phone, row: CheckIn):
    form = phone.locator(f"form[data-kind=release][data-checkin='{row.pk}']")
    summary = phone.locator("details.release", has=form).locator("summary")
    assert summary.bounding_box()["height"] >= 44
    summary.click()
    assert form.is_visible()
    return form


def test_staff_let_a_person_out_to_hospital(phone, world, gate, sealed_exit):
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    form = open_release(phone, sealed_exit)
    choice = form.locator("label", has_text="就医")
    assert choice.bounding_box()["height"] >= 44
    choice.click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    form.locator("button").click()
    phone.wait_for_selector("#verdict:has-text('放行：就医')")
    sealed_exit.refresh_from_db()
    assert sealed_exit.status == CheckIn.Status.RELEASED
    assert sealed_exit.recorded_by == world.guard_a
    assert phone.locator("[data-figure=people_out] b").inner_text() == "1"
    assert phone.locator("[data-figure=people_turned_back] b").inner_text() == "0"
    assert phone.locator(f"form[data-checkin='{sealed_exit.pk}']").count() == 0


def test_其他_without_its_text_is_refused(phone, world, gate, sealed_exit):
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    form = open_release(phone, sealed_exit)
    form.locator("label", has_text="其他").first.click()
    form.locator("button").click()
    phone.wait_for_selector("#verdict:has-text('放行原因选择“其他”时，请填写具体原因')")
    sealed_exit.refresh_from_db()
    assert sealed_exit.status == CheckIn.Status.TURNED_BACK
    form = open_release(phone, sealed_exit)
    form.locator("label", has_text="其他").first.click()
    form.locator("input[name=other]").fill("送孕妇待产")
    form.locator("button").click()
    phone.wait_for_selector("#verdict:has-text('放行：其他（送孕妇待产）')")
    sealed_exit.refresh_from_db()
    assert sealed_exit.status == CheckIn.Status.RELEASED


def test_放行_kept_offline_is_uploaded(phone, world, gate, sealed_exit):
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    phone.context.set_offline(True)
    form = open_release(phone, sealed_exit)
    form.locator("label", has_text="保供").click()
    form.locator("button").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    sealed_exit.refresh_from_db()
    assert sealed_exit.status == CheckIn.Status.RELEASED
    assert sealed_exit.note.startswith("放行：保供")
