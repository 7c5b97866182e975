"""拨打 on a household card of 住户随访, on a 360-px phone, is a thumb's tap (44 px high,
as on 今日随访, by the shared ``.w-call`` rule of watch.css that the page loads)."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.cases.models import KeyArea
from shouwang.core.tests.browser import log_in

from .factories import make_key_area, make_person


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_call_is_thumb_sized(phone, world) -> None:
    make_key_area(world.compound_a, level=KeyArea.Level.FOLLOW_UP)
    person = make_person(world.building_a, "赵一", room="101")
    assert person.phone
    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/cases/visits/")
    call = phone.locator(".hv-members").get_by_role("button", name="拨打")
    box = call.bounding_box()
    assert box["height"] >= 44, box
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
