"""A grid worker's morning on a 360-px phone: open 今日随访, one tap for "normal",
a tap whose answer is lost re-sent and stored once, details for a fever (the header's
counts following the taps without a reload), then the alert marked handled."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in, page_weight
from shouwang.watch.models import Alert, FollowUp, WatchPolicy
from shouwang.watch.tests import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_grid_worker_s_morning(phone, world, clock) -> None:
    WatchPolicy.objects.create(
        community=world.community_a, slots="上午 06:00-12:00；下午 14:00-20:00"
    )
    clock.set(clock.today, 7, 0)
    first = f.key_person(world.building_a, "赵一")
    second = f.key_person(world.building_a, "钱二")
    third = f.key_person(world.building_a2, "孙三")
    f.key_person(world.building_b, "八一的人")
    clock.set(clock.today, 7, 40)

    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/watch/today/")
    assert phone.locator("h1").inner_text() == "今日随访"
    assert phone.locator("section.w-card.pending").count() == 3
    assert "八一的人" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    weight = page_weight(phone)
    assert weight < 100_000, f"the phone page weighs {weight} bytes"

    # One tap: 赵一 answered the phone, all normal. The header counts it at once.
    counts = phone.locator("#followup-counts")
    expect(counts).to_contain_text("应随访 6 次，已完成 0 次")
    phone.evaluate("window.notReloaded = true")
    card = phone.locator(f"#kp-{first.pk}")
    card.get_by_role("button", name="电话·正常").click()
    phone.locator(f"#kp-{first.pk} .w-done").wait_for()
    assert "电话 正常" in phone.locator(f"#kp-{first.pk}").inner_text()
    expect(counts).to_contain_text("应随访 6 次，已完成 1 次")

    # 钱二 at the door: the tap reaches the server but its answer is lost. The phone
    # cannot tell that from no network: it keeps the tap and sends it again with the
    # same id through the batch API, which finds it already stored.
    lost = []

    def drop_answer(route) -> None:
        lost.append(route.fetch().status)
        route.abort()

    sent = []
    phone.on(
        "request",
        lambda r: (
            sent.append(r.post_data)
            if r.url.endswith((f"/{second.pk}/followup/", "/api/v1/watch/followups"))
            else None
        ),
    )
    phone.route(f"**/watch/{second.pk}/followup/", drop_answer)
    phone.locator(f"#kp-{second.pk}").get_by_role("button", name="上门·正常").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert lost == [200]
    assert "待上传" in phone.locator(f"#kp-{second.pk}").inner_text()
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    assert "上门 正常" in phone.locator(f"#kp-{second.pk}").inner_text()
    assert FollowUp.objects.filter(key_person=second).count() == 1
    form_id = dict(pair.split("=", 1) for pair in sent[0].split("&"))["client_id"]
    (batch_item,) = json.loads(sent[1])["items"]
    assert len(sent) == 2
    assert (
        form_id == batch_item["client_id"] == str(FollowUp.objects.get(key_person=second).client_id)
    )

    # 孙三 has a fever: details only now.
    card = phone.locator(f"#kp-{third.pk}")
    card.locator("summary").click()
    card.locator("input[name=temperature]").fill("38.3")
    card.get_by_label("咳嗽").check()
    card.get_by_role("button", name="提交").click()
    phone.locator(f"#kp-{third.pk} .w-done").wait_for()
    assert "异常 38.3℃" in phone.locator(f"#kp-{third.pk}").inner_text()
    expect(phone.locator("section.w-card.pending")).to_have_count(0)  # after htmx settles
    # The answer counts 钱二's follow-up too, stored meanwhile through the batch API.
    expect(counts).to_contain_text("应随访 6 次，已完成 3 次")
    assert phone.evaluate("window.notReloaded") is True
    followup = FollowUp.objects.get(key_person=third)
    assert followup.fever
    assert followup.symptoms == "cough"
    assert followup.recorded_by == world.grid_worker_a

    # The fever reached the alerts; the worker marks it handled from the phone.
    phone.goto("/watch/alerts/")
    alert = Alert.objects.get(kind=Alert.Kind.FEVER)
    item = phone.locator(f"#alert-{alert.pk}")
    expect(phone.locator("#alerts-open")).to_have_text("未处置 1")
    assert "孙*" in item.inner_text()
    assert "孙三" not in item.inner_text()
    item.locator("input[name=note]").fill("已联系社区医生上门")
    item.get_by_role("button", name="标记已处置").click()
    phone.locator(f"#alert-{alert.pk}:not(.open)").wait_for()
    expect(phone.locator("#alerts-open")).to_have_text("未处置 0")
    alert.refresh_from_db()
    assert alert.handled_by == world.grid_worker_a
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert FollowUp.objects.count() == 3
