"""The staff pages' behaviour asked for with data attributes (shouwang/app.js), which
replaced inline handlers the Content-Security-Policy would refuse."""

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.checkpoints.tests.factories import make_checkpoint
from shouwang.core.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_confirmed_form_is_sent_only_once_the_user_agrees(desktop, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园南门")
    code = gate.code
    log_in(desktop, "hq", PASSWORD)
    desktop.goto(f"/checkpoints/{gate.pk}/")
    asked = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    desktop.once("dialog", dismiss)
    desktop.click("text=更换二维码")
    assert asked == ["更换后旧二维码失效，需要重新张贴。确定？"]
    gate.refresh_from_db()
    assert gate.code == code

    desktop.once("dialog", lambda dialog: dialog.accept())
    with desktop.expect_navigation():
        desktop.click("text=更换二维码")
    gate.refresh_from_db()
    assert gate.code != code


def test_choosing_a_span_reloads_the_trend(desktop, world) -> None:
    log_in(desktop, "hq", PASSWORD)
    desktop.goto("/reports/trend/fevers/")
    with desktop.expect_navigation():
        desktop.select_option("select[name=days]", "30")
    assert "days=30" in desktop.url
    assert "近30天" in desktop.locator("h1").inner_text()
