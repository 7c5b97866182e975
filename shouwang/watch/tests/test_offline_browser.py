"""今日随访 on a 360-px phone without network: a tap is kept on the phone, shown as
waiting, and uploaded once when the network is back; a refused one stays listed with
the server's reason. Real time (the phone's clock is the browser's): one all-day slot."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.watch import actions, schedule
from shouwang.watch.models import FollowUp, KeyPerson, WatchPolicy
from shouwang.watch.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUEUE = "JSON.parse(localStorage.getItem('shouwang.offline.followups.' + {pk}) || '[]')"


@pytest.fixture
def record(world):
    WatchPolicy.objects.create(community=world.community_a, slots="全天 00:00-23:59")
    return f.key_person(world.building_a, "赵一")


def test_a_tap_without_network_is_uploaded_once_when_it_returns(phone, world, record) -> None:
    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    card = phone.locator(f"#kp-{record.pk}")
    phone.context.set_offline(True)
    card.get_by_role("button", name="电话·正常").click()

    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert "电话 正常" in card.inner_text()
    assert "待上传" in card.inner_text()
    assert card.locator(".w-slot").get_by_role("button").count() == 0  # 拨打 stays
    assert not FollowUp.objects.exists()
    (queued,) = phone.evaluate(QUEUE.format(pk=world.grid_worker_a.pk))
    assert (queued["key_person"], queued["day"], queued["slot"], queued["method"]) == (
        record.pk,
        f"{timezone.localdate():%Y-%m-%d}",
        1,
        "phone",
    )
    assert queued["client_id"]
    assert queued["recorded_at"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    assert "已上传" in card.inner_text()
    followup = FollowUp.objects.get(key_person=record)
    assert str(followup.client_id) == queued["client_id"]
    assert (followup.day, followup.slot, followup.method) == (timezone.localdate(), 1, "phone")
    assert followup.recorded_by == world.grid_worker_a
    assert phone.evaluate(QUEUE.format(pk=world.grid_worker_a.pk)) == []

    phone.reload()
    phone.locator(f"#kp-{record.pk} .w-slot.done").wait_for()
    phone.wait_for_timeout(300)
    assert FollowUp.objects.count() == 1, "nothing is uploaded twice"


def test_a_refused_item_stays_listed_with_the_server_s_reason(phone, world, record) -> None:
    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    phone.context.set_offline(True)
    actions.change_status(
        key_person=record,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.ORDERED_RELEASE,
        by=world.staff_a,
    )
    card = phone.locator(f"#kp-{record.pk}")
    card.locator("summary").click()
    card.locator("input[name=temperature]").fill("36.8")
    card.get_by_role("button", name="提交").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert "体温36.8℃" in card.inner_text()

    phone.context.set_offline(False)
    refused = phone.locator("#offline-refused")
    refused.wait_for()
    assert "赵一" in refused.inner_text()
    assert "不在管控中" in refused.inner_text()
    assert "1 条未保存" in phone.inner_text("#offline")
    assert "未保存：" in card.inner_text()
    assert card.get_by_role("button", name="电话·正常").count() == 1  # can be recorded again
    assert not FollowUp.objects.exists()
    assert phone.evaluate(QUEUE.format(pk=world.grid_worker_a.pk)) == []

    phone.reload()
    assert "不在管控中" in phone.inner_text("#offline-refused")
    phone.get_by_role("button", name="知道了").click()
    assert phone.locator("#offline-refused").is_hidden()


def test_a_tap_that_gets_no_answer_in_time_is_kept_too(phone, world, record) -> None:
    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    phone.evaluate("htmx.config.timeout = 500")  # 15 s on the page
    # A signal too weak to answer: the request is never answered (htmx gives up on it).
    phone.route("**/watch/**", lambda route: None)
    phone.locator(f"#kp-{record.pk}").get_by_role("button", name="电话·正常").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert not FollowUp.objects.exists()
    phone.unroute("**/watch/**")
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    assert FollowUp.objects.filter(key_person=record).count() == 1


def test_a_call_nobody_answered_is_kept_offline_and_the_slot_stays_to_do(
    phone, world, record
) -> None:
    from shouwang.watch.models import ContactAttempt

    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    card = phone.locator(f"#kp-{record.pk}")
    card.get_by_role("button", name="电话·未联系上").click()  # online: stored at once
    card.locator(".w-attempts:has-text('未联系上 1 次')").wait_for()
    phone.context.set_offline(True)
    card.get_by_role("button", name="上门·未联系上").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    card.get_by_role("button", name="上门·未联系上").click()  # tried again: a second attempt
    phone.wait_for_selector("#offline:has-text('离线待上传 2 条')")
    assert card.get_by_role("button", name="电话·正常").count() == 1  # still to do
    assert card.inner_text().count("上门 未联系上") == 2
    queued = phone.evaluate(QUEUE.format(pk=world.grid_worker_a.pk))
    assert [q["reached"] for q in queued] == [False, False]
    assert len({q["client_id"] for q in queued}) == 2

    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('已上传 2 条')")
    assert sorted(ContactAttempt.objects.values_list("method", flat=True)) == [
        "phone",
        "visit",
        "visit",
    ]
    assert not FollowUp.objects.exists()
    card.get_by_role("button", name="电话·正常").click()
    card.locator(".w-slot.done").wait_for()
    assert "此前未联系上 3 次" in card.inner_text()


def test_a_backfill_without_network_is_not_queued_as_today_s(phone, world) -> None:
    WatchPolicy.objects.create(community=world.community_a, slots="全天 00:00-23:59")
    yesterday = timezone.localdate() - timedelta(days=1)
    record = f.key_person(
        world.building_a,
        "钱二",
        start=yesterday,
        created_at=datetime.combine(yesterday, time(0, 1), tzinfo=schedule.zone()),
    )
    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    late = phone.locator(f"#kp-{record.pk} .w-backfill")
    late.locator("summary").click()
    late.locator("input[name=done_at]").fill("10:00")
    phone.context.set_offline(True)
    late.get_by_role("button", name="补录").click()
    phone.wait_for_selector("#offline:has-text('补录需要联网')")
    assert phone.evaluate(QUEUE.format(pk=world.grid_worker_a.pk)) == []
    assert not FollowUp.objects.exists()

    phone.context.set_offline(False)
    late.get_by_role("button", name="补录").click()
    phone.wait_for_selector(f"#kp-{record.pk}:has-text('已补录')")
    followup = FollowUp.objects.get(key_person=record)
    assert (followup.day, followup.slot) == (yesterday, 1)
    assert followup.entered_at is not None


def test_a_queue_longer_than_one_batch_is_uploaded_in_batches(phone, world, record) -> None:
    """A grid worker offline for a long round keeps more taps than the server takes in
    one batch (MAX_BATCH): the phone sends them a batch at a time instead of sending them
    all, being refused (400) and keeping every one on the phone for ever."""
    import json

    from shouwang.watch.api import MAX_BATCH
    from shouwang.watch.models import ContactAttempt

    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    script = "document.querySelector('script[data-batch]')"
    assert phone.evaluate(f"{script}.dataset.batch") == str(MAX_BATCH)
    phone.evaluate(f"{script}.dataset.batch = '2'")  # five taps make three batches
    card = phone.locator(f"#kp-{record.pk}")
    phone.context.set_offline(True)
    for n in range(1, 6):
        card.get_by_role("button", name="电话·未联系上").click()
        phone.wait_for_selector(f"#offline:has-text('离线待上传 {n} 条')")

    sizes = []

    def measure(route) -> None:
        sizes.append(len(json.loads(route.request.post_data)["items"]))
        route.continue_()

    phone.route("**/api/v1/watch/followups", measure)
    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('已上传 5 条')")
    assert sizes == [2, 2, 1]
    assert ContactAttempt.objects.filter(key_person=record).count() == 5
    assert phone.evaluate(QUEUE.format(pk=world.grid_worker_a.pk)) == []
