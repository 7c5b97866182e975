"""本人自报链接 in a real browser: the key person's page sends a POST (CSRF and the
page's policy allow it), the answer shows the link, and the reveal is audited once."""

import pytest

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.watch.tests import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_button_generates_the_link_once(desktop, world, clock, policy_a) -> None:
    clock.set(clock.today, 9, 0)
    record = f.key_person(world.building_a, "赵一")
    log_in(desktop, "staff_a", PASSWORD)
    desktop.goto(f"/watch/{record.pk}/")
    assert not desktop.locator("a[href*='/self-link/']").count()
    with desktop.expect_response(f"**/watch/{record.pk}/self-link/") as answer:
        desktop.get_by_role("button", name="本人自报链接").click()
    assert answer.value.request.method == "POST"
    assert answer.value.status == 200
    assert "/watch/s/" in desktop.locator("input.w-link").input_value()
    reveals = AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL)
    assert [e.detail for e in reveals] == ["生成本人自报链接"]
