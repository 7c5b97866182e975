"""One key person's card on a 360-px phone after the server has answered once: the
card it sends back must still work (its forms get fresh client ids) and says 疑似失联
when nobody answered in two slots, a refused entry must show the server's message on
the card, and the header's counts follow the
taps of the list they were made on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.areas.tests.factories import child
from shouwang.core.tests.browser import log_in
from shouwang.watch.models import Alert, ContactAttempt, FollowUp, WatchPolicy
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
    # Nobody answers in either slot: the card the server sends back says 疑似失联.
    for slot in ("1", "2"):
        with phone.expect_response(f"**/watch/{person.pk}/attempt/") as answer:
            card.locator(f'[data-slot="{slot}"]').get_by_role(
                "button", name="电话·未联系上"
            ).click()
        assert answer.value.status == 200
    expect(card.locator(".w-lost")).to_contain_text("疑似失联 · 未联系上 2 次")
    assert ContactAttempt.objects.filter(key_person=person).count() == 2
    assert Alert.objects.filter(kind=Alert.Kind.LOST, key_person=person).count() == 1

    card.get_by_role("button", name="电话·正常").first.click()
    card.locator(".w-done").wait_for()
    assert FollowUp.objects.filter(key_person=person).count() == 1
    expect(card.locator(".w-lost")).to_have_count(0)  # reached since

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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_header_counts_the_community_list_a_grid_worker_taps_on(phone, world, clock):
    WatchPolicy.objects.create(community=world.community_a, slots="全天 06:00-20:00")
    clock.set(clock.today, 6, 30)
    mine = f.key_person(world.building_a, "赵一")
    other = f.key_person(child(child(world.community_a, "东区"), "9号楼"), "钱二")
    clock.set(clock.today, 9, 0)

    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/?all=1")
    counts = phone.locator("#followup-counts")
    expect(counts).to_contain_text("应随访 2 次，已完成 0 次")
    phone.evaluate("window.notReloaded = true")
    card = phone.locator(f"#kp-{other.pk}")
    card.get_by_role("button", name="电话·正常").click()
    card.locator(".w-done").wait_for()
    expect(counts).to_contain_text("应随访 2 次，已完成 1 次")

    # A refused entry leaves the counts as they were.
    card = phone.locator(f"#kp-{mine.pk}")
    card.locator("summary").click()
    card.locator("input[name=temperature]").fill("abc")
    with phone.expect_response(f"**/watch/{mine.pk}/followup/?all=1") as answer:
        card.get_by_role("button", name="提交").click()
    assert answer.value.status == 400
    card.locator(".error").wait_for()
    expect(counts).to_contain_text("应随访 2 次，已完成 1 次")
    card.get_by_role("button", name="上门·正常").click()
    card.locator(".w-done").wait_for()
    expect(counts).to_contain_text("应随访 2 次，已完成 2 次")
    assert phone.evaluate("window.notReloaded") is True
    phone.goto("/watch/today/")
    expect(counts).to_contain_text("应随访 1 次，已完成 1 次")
