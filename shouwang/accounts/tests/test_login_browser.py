import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_logs_in_on_a_phone_and_shows_the_role_home(phone, world) -> None:
    log_in(phone, "staff_a", PASSWORD)
    assert phone.locator("h1").inner_text() == "社区工作人员工作台"
    assert "西城社区" in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page must fit a 360-px phone without sideways scrolling"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_role_home_fits_a_phone(phone, world) -> None:
    for username in ("hq", "leader", "auditor", "grid_a", "guard_a"):
        phone.context.clear_cookies()
        log_in(phone, username, PASSWORD)
        assert phone.locator("h1").inner_text().endswith("工作台"), username
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{username}: the home page is {width} px wide"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_says_so_in_chinese(phone, world) -> None:
    phone.goto("/accounts/login/")
    phone.fill("#id_username", "staff_a")
    phone.fill("#id_password", "not-the-password")
    phone.click("button.primary")
    assert "用户名/手机号或密码不正确" in phone.locator(".errors").inner_text()
