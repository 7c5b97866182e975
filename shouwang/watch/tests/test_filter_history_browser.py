"""In a real browser: a list whose filters go into the address (预警) keeps no copy of
its rows in the browser's storage, and the back button after a filter shows the whole
page again, not the rows alone."""

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.watch.models import Alert
from shouwang.watch.tests import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_back_after_a_filter_reloads_the_whole_page_and_nothing_is_stored(desktop, world) -> None:
    f.alert(world.community_a, title="发热预警：王某某")
    f.alert(world.community_a, kind=Alert.Kind.OVERDUE, title="逾期预警：赵某某")
    log_in(desktop, "staff_a", PASSWORD)
    desktop.goto("/watch/alerts/")
    desktop.goto("/watch/alerts/?state=all")
    desktop.select_option("#id_kind", Alert.Kind.FEVER)
    desktop.wait_for_url("**kind=fever**")
    desktop.wait_for_function("() => !document.body.innerText.includes('赵某某')")
    desktop.go_back()
    desktop.wait_for_url("**/watch/alerts/?state=all")
    desktop.locator("#rows", has_text="赵某某").wait_for()
    assert desktop.locator("header.topbar").count() == 1
    assert desktop.locator("h1", has_text="预警").count() == 1
    stored = desktop.evaluate(
        "JSON.stringify([Object.assign({}, sessionStorage), Object.assign({}, localStorage)])"
    )
    assert "王某某" not in stored
    assert "赵某某" not in stored
