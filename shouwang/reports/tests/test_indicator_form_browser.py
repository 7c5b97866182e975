"""HQ's indicator form in Chromium: the 零报告须为0 checkbox sits under its label. The
form's fields are a flex column stretching every input to the form's width, and a
stretched checkbox is drawn in the middle of that width, far from its label."""

import pytest
from django.urls import reverse

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_checkbox_sits_under_its_label(desktop, world):
    log_in(desktop, "hq", PASSWORD)
    desktop.goto(reverse("reports:indicator_new"))
    label = desktop.locator("label[for=id_incident]").bounding_box()
    box = desktop.locator("#id_incident").bounding_box()
    assert abs(box["x"] - label["x"]) < 8
    assert box["width"] < 40
