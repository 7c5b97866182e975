"""A grid worker visits the households of a key area on a 360-px phone: one tap for
"全户正常", a tap whose answer is lost tapped again and stored once, a member with a
fever named with details, a door nobody opens (联系不上) recorded and visited later;
the header's counts follow each tap without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.cases.models import HouseholdVisit, KeyArea
from shouwang.core.tests.browser import log_in, page_weight
from shouwang.watch.models import Alert

from .factories import make_key_area, make_person


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_grid_worker_visits_a_key_area(phone, world) -> None:
    make_key_area(world.compound_a, level=KeyArea.Level.FOLLOW_UP)
    first = make_person(world.building_a, "赵一", room="101")
    second = make_person(world.building_a, "钱二", room="102")
    third = make_person(world.building_a2, "孙三", room="201")
    make_person(world.building_a2, "孙三的女儿", room="201")
    fourth = make_person(world.building_a2, "李四", room="202")
    make_person(world.building_b, "八一的人", room="301")

    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/cases/visits/")
    assert phone.locator("h1").inner_text() == "重点区域住户随访"
    expect(phone.locator("section.w-card.pending")).to_have_count(4)
    assert "八一的人" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    weight = page_weight(phone)
    assert weight < 100_000, f"the phone page weighs {weight} bytes"

    # One tap: 赵一's household, all well at the door. The header counts it at once.
    counts = phone.locator("#visit-counts")
    expect(counts).to_contain_text("今日应随访 4 户，已随访 0 户")
    phone.evaluate("window.notReloaded = true")
    card = phone.locator(f"#hh-{first.household_id}")
    card.get_by_role("button", name="上门·全户正常").click()
    phone.locator(f"#hh-{first.household_id} .w-done").wait_for()
    assert "上门 全户正常" in phone.locator(f"#hh-{first.household_id}").inner_text()
    expect(counts).to_contain_text("今日应随访 4 户，已随访 1 户")

    # 钱二's household by phone: the network drops the first tap. The page says so and
    # the same tap again (same id) is stored once.
    phone.route(f"**/cases/visits/{second.household_id}/", lambda route: route.abort())
    card = phone.locator(f"#hh-{second.household_id}")
    card.get_by_role("button", name="电话·全户正常").click()
    expect(phone.locator("#visit-offline")).to_contain_text("网络不通")
    expect(counts).to_contain_text("今日应随访 4 户，已随访 1 户")
    phone.unroute(f"**/cases/visits/{second.household_id}/")
    card.get_by_role("button", name="电话·全户正常").click()
    phone.locator(f"#hh-{second.household_id} .w-done").wait_for()
    expect(phone.locator("#visit-offline")).to_be_hidden()
    expect(counts).to_contain_text("今日应随访 4 户，已随访 2 户")
    assert HouseholdVisit.objects.filter(household=second.household).count() == 1

    # 孙三 has a fever: the member named, temperature and a symptom.
    card = phone.locator(f"#hh-{third.household_id}")
    card.locator(".w-abnormal summary").click()
    card.locator("select[name=person]").select_option(label="孙三")
    card.locator("input[name=temperature]").fill("38.3")
    card.get_by_label("咳嗽").check()
    card.get_by_role("button", name="提交").click()
    phone.locator(f"#hh-{third.household_id} .w-done").wait_for()
    assert "异常：孙三 38.3℃" in phone.locator(f"#hh-{third.household_id}").inner_text()
    expect(phone.locator("section.w-card.pending")).to_have_count(1)
    expect(counts).to_have_text(re.compile(r"今日应随访 4 户，已随访 3 户，异常 1 户$"))
    visit = HouseholdVisit.objects.get(household=third.household)
    finding = visit.findings.get()
    assert (finding.person, finding.symptoms) == (third, "cough")
    assert finding.recorded_by == world.grid_worker_a
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.FEVER
    assert "孙*" in alert.title
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # 李四's door: nobody answers. Recorded as 联系不上, the card stays to visit later.
    card = phone.locator(f"#hh-{fourth.household_id}")
    card.locator(".w-unreached summary").click()
    card.locator(".w-unreached input[name=note]").fill("敲门无人应答")
    card.get_by_role("button", name="上门·联系不上").click()
    card.locator(".w-unreached-at").wait_for()
    expect(card.locator(".w-unreached-at")).to_contain_text("今日未联系上")
    expect(card.locator(".w-unreached-at")).to_contain_text("上门")
    expect(card).to_contain_text("说明：敲门无人应答")
    expect(phone.locator("section.w-card.pending")).to_have_count(0)
    expect(phone.locator("section.w-card.unreached")).to_have_count(1)
    expect(counts).to_contain_text("今日应随访 4 户，已随访 3 户，未联系上 1 户，异常 1 户")
    tried = HouseholdVisit.objects.get(household=fourth.household)
    assert (tried.reached, tried.method, tried.note) == (False, "visit", "敲门无人应答")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # In the evening 李四 answers the phone: the visit replaces the attempt.
    card.get_by_role("button", name="电话·全户正常").click()
    card.locator(".w-done").wait_for()
    assert "电话 全户正常" in card.inner_text()
    assert "曾未联系上" in card.inner_text()
    assert HouseholdVisit.objects.get(household=fourth.household).reached
    assert HouseholdVisit.objects.count() == 4
    expect(counts).to_contain_text("今日应随访 4 户，已随访 4 户，异常 1 户")
    assert phone.evaluate("window.notReloaded") is True


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_refused_finding_comes_back_as_the_worker_filled_it_in(phone, world) -> None:
    make_key_area(world.compound_a, level=KeyArea.Level.FOLLOW_UP)
    person = make_person(world.building_a, "李四", room="101")
    make_person(world.building_a, "李四的妻子", room="101")

    log_in(phone, "grid_a", PASSWORD)
    phone.goto("/cases/visits/")
    card = phone.locator(f"#hh-{person.household_id}")
    card.locator(".w-abnormal summary").click()
    card.get_by_label("电话").check()
    card.locator("select[name=person]").select_option(label="李四")
    card.locator("input[name=temperature]").fill("三十八")
    card.get_by_label("咳嗽").check()
    card.locator(".w-abnormal input[name=note]").fill("电话中说咳嗽两天")
    card.get_by_role("button", name="提交").click()
    expect(card.locator(".error")).to_contain_text("体温应为数字")
    expect(card.locator("details.w-abnormal")).to_have_attribute("open", "")
    expect(card.get_by_label("电话")).to_be_checked()
    expect(card.locator("select[name=person]")).to_have_value(str(person.pk))
    expect(card.get_by_label("咳嗽")).to_be_checked()
    expect(card.locator(".w-abnormal input[name=note]")).to_have_value("电话中说咳嗽两天")
    assert not HouseholdVisit.objects.exists()

    card.locator("input[name=temperature]").fill("38.2")
    card.get_by_role("button", name="提交").click()
    card.locator(".w-done").wait_for()
    visit = HouseholdVisit.objects.get()
    assert visit.method == HouseholdVisit.Method.PHONE  # not reset to 上门 by the refusal
    finding = visit.findings.get()
    assert (finding.person, finding.symptoms, finding.note) == (person, "cough", "电话中说咳嗽两天")
