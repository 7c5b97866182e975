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
