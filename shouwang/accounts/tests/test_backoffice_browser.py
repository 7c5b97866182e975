"""The back office (the Django admin) under the app's Content-Security-Policy: signed in
through the app's login, its pages and their scripts (the side menu, a grid's
two-pane selectors) work, and none breaks the policy (the desktop fixture fails
the test on any refusal)."""

import pytest

from shouwang.accounts.tests.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hq_works_in_the_back_office(desktop, world) -> None:
    desktop.goto("/backoffice/")
    desktop.wait_for_url("**/accounts/login/?next=/backoffice/")
    desktop.fill("#id_username", "hq")
    desktop.fill("#id_password", PASSWORD)
    desktop.click("button.primary")
    desktop.wait_for_url("**/backoffice/")
    assert "守望 · 后台管理" in desktop.content()

    desktop.goto("/backoffice/areas/area/")
    shown = desktop.locator("#main").get_attribute("class")
    desktop.click("#toggle-nav-sidebar")  # nav_sidebar.js: hides or shows the menu
    assert desktop.locator("#main").get_attribute("class") != shown
    desktop.fill("#searchbar", "八一")
    desktop.press("#searchbar", "Enter")
    desktop.wait_for_url("**/backoffice/areas/area/?q=*")
    assert "八一新苑" in desktop.inner_text("#result_list")

    desktop.goto(f"/backoffice/areas/grid/{world.grid_a.pk}/change/")
    desktop.wait_for_selector("#id_staff_from")  # SelectFilter2.js built the two panes
    desktop.fill("#id_notes", "第1网格备注")
    desktop.click("input[name=_save]")
    desktop.wait_for_url("**/backoffice/areas/grid/")
    world.grid_a.refresh_from_db()
    assert world.grid_a.notes == "第1网格备注"
