"""The bulletin pages in Chromium."""

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_template_page_fits_the_screen(request, world, screen):
    """The default template, one long line, is wrapped: it made the page 5,578 px wide
    on a desktop (the page did not load the reports stylesheet that wraps it)."""
    page = request.getfixturevalue(screen)
    log_in(page, "hq", PASSWORD)
    page.goto("/reports/bulletin/template/")
    assert "默认模板" in page.inner_text("main")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] == width[1]
