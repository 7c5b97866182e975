"""One key person's card on a 360-px phone after the server has answered once: the
card it sends back must still work (its forms get fresh client ids) and a refused
entry must show the server's message on the card."""

from __future__ import annotations

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.watch.models import FollowUp, WatchPolicy
from shouwang.watch.tests import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_records_both_slots_from_one_card(phone, world, clock) -> None:
    WatchPolicy.objects.create(
        community=world.community_a, slots="上午 06:00-12:00；下午 14:00-20:00"
    )
    clock.set(clock.today, 6, 30)
    person = f.key_person(world.building_a, "赵一")
    clock.set(clock.today, 15, 0)  # the morning slot is overdue, the afternoon one due

    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    card = phone.locator(f"#kp-{person.pk}")
    card.get_by_role("button", name="电话·正常").first.click()
    card.locator(".w-done").wait_for()
    assert FollowUp.objects.filter(key_person=person).count() == 1

    # The card the server sent back: the afternoon's tap must be stored too.
    with phone.expect_response(f"**/watch/{person.pk}/followup/") as answer:
        card.get_by_role("button", name="上门·正常").click()
    assert answer.value.status == 200
    phone.wait_for_function(
        f"() => document.querySelectorAll('#kp-{person.pk} .w-done').length == 2"
    )
    assert FollowUp.objects.filter(key_person=person).count() == 2


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_why_an_entry_was_refused(phone, world, clock) -> None:
    WatchPolicy.objects.create(community=world.community_a, slots="全天 06:00-20:00")
    clock.set(clock.today, 6, 30)
    person = f.key_person(world.building_a, "钱二")
    clock.set(clock.today, 9, 0)

    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    card = phone.locator(f"#kp-{person.pk}")
    card.locator("summary").click()
    card.locator("input[name=temperature]").fill("abc")
    with phone.expect_response(f"**/watch/{person.pk}/followup/") as answer:
        card.get_by_role("button", name="提交").click()
    assert answer.value.status == 400
    card.locator(".error").wait_for()
    assert "体温" in card.locator(".error").inner_text()
    assert not FollowUp.objects.filter(key_person=person).exists()
