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


def test_a_plain_form_tapped_twice_is_sent_once(desktop, world) -> None:
    """A second tap while the first is on its way sends nothing (counted by a listener
    behind app.js's); once the answer is back, the form on the new page works again."""
    log_in(desktop, "hq", PASSWORD)
    url = f"/areas/{world.subdistrict.pk}/new/"
    desktop.goto(url)
    desktop.fill("input[name=name]", "丰庆社区")
    with desktop.expect_navigation():
        sent = desktop.evaluate(
            """() => {
                let sent = 0;
                window.addEventListener("submit", (e) => { if (!e.defaultPrevented) sent++; });
                const button = document.querySelector("form.form button.primary");
                button.click();
                button.click();
                return sent;
            }"""
        )
    assert sent == 1
    assert world.subdistrict.children.filter(name="丰庆社区").count() == 1

    desktop.goto(url)
    desktop.fill("input[name=name]", "丰庆社区")  # the same name again: refused, shown
    with desktop.expect_navigation():
        desktop.click("form.form button.primary")
    desktop.fill("input[name=name]", "建业社区")
    with desktop.expect_navigation():
        desktop.click("form.form button.primary")
    assert world.subdistrict.children.filter(name="建业社区").count() == 1
