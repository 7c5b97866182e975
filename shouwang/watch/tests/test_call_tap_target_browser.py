"""拨打 on a grid worker's follow-ups, on a 360-px phone, is a thumb's tap high (44 px,
the size phone makers recommend): drawn as a link it was about 24 px, next to the
card's other taps."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.watch.models import WatchPolicy
from shouwang.watch.tests import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_call_is_thumb_sized(phone, world, clock) -> None:
    WatchPolicy.objects.create(community=world.community_a, slots="全天 06:00-20:00")
    clock.set(clock.today, 9, 0)
    record = f.key_person(world.building_a, "赵一")
    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    box = phone.locator(f"#kp-{record.pk}").get_by_role("button", name="拨打").bounding_box()
    assert box["height"] >= 44, box
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
