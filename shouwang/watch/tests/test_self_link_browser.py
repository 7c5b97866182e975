"""本人自报链接 in a real browser: the key person's page sends a POST (CSRF and the
page's policy allow it), answered 303 to the page showing the link; reloading that page
shows it again, and the reveal is audited once."""

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
    with desktop.expect_response(
        lambda r: r.url.endswith(f"/watch/{record.pk}/self-link/") and r.request.method == "GET"
    ) as answer:
        desktop.get_by_role("button", name="本人自报链接").click()
    assert answer.value.status == 200
    assert answer.value.request.redirected_from.method == "POST"
    assert answer.value.request.redirected_from.response().status == 303
    link = desktop.locator("input.w-link").input_value()
    assert "/watch/s/" in link
    assert "/watch/s/" not in desktop.url
    desktop.reload()
    assert desktop.locator("input.w-link").input_value() == link
    reveals = AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL)
    assert [e.detail for e in reveals] == ["生成本人自报链接"]
