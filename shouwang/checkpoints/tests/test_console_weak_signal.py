"""The post's console on a 360-px phone with a weak signal: the phone believes it is
online, but a write fails or gets no answer. The write is kept on the phone with its
client id and uploaded once; a write the server answers looks as it always did."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in

from .. import tokens
from ..api import MAX_BATCH
from ..models import CheckIn
from .factories import make_checkin, make_checkpoint, make_pass, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUEUE = (
    "JSON.parse(localStorage.getItem('shouwang.offline.checkins.' +"
    " document.querySelector('script[data-user]').dataset.user) || '[]')"
)
VEHICLE = "**/checkpoints/console/*/vehicle/"
BATCH = "**/api/v1/checkpoints/checkins"


@pytest.fixture
def gate(world, phone):
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    return gate


def register_vehicle(page, plate: str, temperature: str = "") -> None:
    page.click("summary:has-text('车辆登记')")
    page.fill("#vehicle_plate", plate)
    page.fill("#vehicle_occupants", "2")
    if temperature:
        page.fill("#vehicle_temperature", temperature)
    page.click("form[data-kind=vehicle] button")


def release_and_go_online(page) -> None:
    page.unroute(VEHICLE)
    page.unroute(BATCH)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#offline:has-text('已上传 1 条')")


def test_a_write_with_no_answer_in_time_is_kept_and_uploaded_once(phone, world, gate) -> None:
    phone.evaluate("document.querySelector('script[data-timeout]').dataset.timeout = '2000'")
    client_id = phone.input_value("form[data-kind=vehicle] input[name=client_id]")
    phone.route(VEHICLE, lambda route: None)  # never answered
    phone.route(BATCH, lambda route: route.abort())  # no upload until the signal is back
    register_vehicle(phone, "豫A12345")

    button = phone.locator("form[data-kind=vehicle] button")
    assert button.is_disabled()
    assert button.inner_text() == "正在提交…"
    phone.evaluate("document.querySelector('form[data-kind=vehicle]').requestSubmit()")
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert button.is_enabled()
    assert button.inner_text() == "登记车辆"
    (queued,) = phone.evaluate(QUEUE)
    assert (queued["client_id"], queued["kind"], queued["plate"]) == (
        client_id,
        "vehicle",
        "豫A12345",
    )
    assert phone.input_value("#vehicle_plate") == "", "the form is ready for the next car"
    assert phone.input_value("form[data-kind=vehicle] input[name=client_id]") != client_id
    assert not CheckIn.objects.exists()

    release_and_go_online(phone)
    row = CheckIn.objects.get()
    assert (str(row.client_id), row.plate, row.occupants, row.source) == (
        client_id,
        "豫A12345",
        2,
        "api",
    )
    assert phone.evaluate(QUEUE) == []
    phone.reload()
    phone.wait_for_timeout(500)
    assert CheckIn.objects.count() == 1, "nothing is uploaded twice"


def test_a_write_that_fails_while_the_phone_believes_it_is_online_is_kept(
    phone, world, gate
) -> None:
    phone.route(VEHICLE, lambda route: route.abort())
    phone.route(BATCH, lambda route: route.abort())
    assert phone.evaluate("navigator.onLine")
    register_vehicle(phone, "豫A54321")
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert phone.url.endswith(f"/checkpoints/console/{gate.pk}/"), "no browser error page"
    assert not CheckIn.objects.exists()

    release_and_go_online(phone)
    assert CheckIn.objects.get().plate == "豫A54321"


def test_a_write_stored_whose_answer_is_lost_is_stored_once(phone, world, gate) -> None:
    def lose_the_answer(route) -> None:
        route.fetch()  # the server stores it; the phone never hears back
        route.abort()

    phone.route(VEHICLE, lose_the_answer)
    phone.route(BATCH, lambda route: route.abort())
    register_vehicle(phone, "豫A11111")
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert CheckIn.objects.get().source == "staff"

    release_and_go_online(phone)
    row = CheckIn.objects.get()
    assert (row.plate, row.source) == ("豫A11111", "staff")


def test_an_answered_write_lands_on_the_same_page_as_before(phone, world, gate) -> None:
    register_vehicle(phone, "豫A22222")
    phone.wait_for_selector("#verdict")
    row = CheckIn.objects.get()
    assert phone.url.endswith(f"/checkpoints/console/{gate.pk}/?last={row.pk}")
    assert "豫A22222" in phone.inner_text("#verdict")
    assert phone.locator("#rows .row").count() == 1
    assert phone.locator("#offline").is_hidden()
    assert phone.evaluate(QUEUE) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    register_vehicle(phone, "豫A33333")  # the page the server sent works like the first
    phone.wait_for_selector("#verdict:has-text('豫A33333')")
    assert CheckIn.objects.count() == 2
    make_checkin(gate, subject="v", plate="豫A55555")
    phone.wait_for_selector("#rows .row:has-text('豫A55555')")  # and keeps its list live


def test_a_refused_write_shows_the_server_s_message(phone, world, gate) -> None:
    # Past the browser's own check (min/max on the field), the server has the last word.
    phone.evaluate("document.querySelector('form[data-kind=vehicle]').noValidate = true")
    register_vehicle(phone, "豫A44444", temperature="50")
    phone.wait_for_selector("form[data-kind=vehicle] .error")
    assert "体温应在30到45℃之间，请核对" in phone.inner_text("form[data-kind=vehicle]")
    assert phone.locator("form[data-kind=vehicle]").is_visible(), "its panel is open"
    assert phone.input_value("#vehicle_plate") == "豫A44444"
    assert phone.evaluate(QUEUE) == []
    assert not CheckIn.objects.exists()


def test_a_write_answered_with_a_server_error_is_kept(phone, world, gate) -> None:
    phone.route(VEHICLE, lambda route: route.fulfill(status=502, body="Bad Gateway"))
    phone.route(BATCH, lambda route: route.abort())
    register_vehicle(phone, "豫A66666")
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    assert "Bad Gateway" not in phone.content()
    assert not CheckIn.objects.exists()

    release_and_go_online(phone)
    assert CheckIn.objects.get().plate == "豫A66666"


def test_a_rows_confirmation_made_without_signal_is_applied_later(phone, world, gate) -> None:
    declared = make_checkin(gate, status="declared")
    row = phone.locator("#rows .row[data-status=declared]")
    row.wait_for()
    phone.route("**/checkpoints/checkins/*/confirm/", lambda route: route.abort())
    phone.route(BATCH, lambda route: route.abort())
    row.locator("input[name=temperature]").fill("36.8")
    row.get_by_role("button", name="确认在场").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    (queued,) = phone.evaluate(QUEUE)
    assert (queued["kind"], queued["checkin"], queued["temperature"]) == (
        "confirm",
        declared.pk,
        "36.8",
    )
    declared.refresh_from_db()
    assert declared.status == "declared"

    phone.unroute(BATCH)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    declared.refresh_from_db()
    assert (declared.status, str(declared.temperature)) == ("confirmed", "36.8")


def test_the_list_does_not_refresh_under_a_temperature_being_typed(phone, world, gate) -> None:
    make_checkin(gate, status="declared")
    row = phone.locator("#rows .row[data-status=declared]")
    row.wait_for()
    row.locator("input[name=temperature]").fill("36.5")
    make_checkin(gate, subject="v", plate="豫A77777")
    phone.wait_for_timeout(6500)  # past a 5-s refresh
    assert row.locator("input[name=temperature]").input_value() == "36.5"
    assert "豫A77777" not in phone.inner_text("#rows")
    phone.locator("h2").first.click()  # typing done: the list is live again
    phone.wait_for_selector("#rows .row:has-text('豫A77777')")


def test_writes_kept_on_a_phone_with_its_clock_wrong_are_stored_at_the_true_time(
    phone, world, gate
) -> None:
    """A phone three hours fast, no signal: a pass scan and a vehicle wait on the phone.
    Back online, the scan is stored (its QR was fresh when scanned) at the true time, and
    the vehicle whose plate the server refuses is named, so staff can write it again."""
    pass_ = make_pass(make_person(world.building_a, "钱居民"))
    phone.clock.install(time=timezone.now() + timedelta(hours=3))
    phone.clock.resume()
    phone.reload()
    phone.context.set_offline(True)
    phone.fill("#scan_token", tokens.phone_token(pass_.code))
    phone.click("#scan-form button.primary")
    phone.evaluate("document.querySelector('form[data-kind=vehicle]').noValidate = true")
    register_vehicle(phone, "A12")
    phone.wait_for_selector("#offline:has-text('离线待上传 2 条')")
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    message = phone.inner_text("#offline")
    assert "1 条未保存" in message
    assert "车辆 A12：车牌号格式不正确" in message
    row = CheckIn.objects.get()
    assert row.person == pass_.person
    assert abs(row.at - timezone.now()) < timedelta(minutes=1)
    assert phone.evaluate(QUEUE) == []


def test_the_list_shows_what_a_batch_stored_as_soon_as_it_lands(phone, world, gate) -> None:
    """An answered write shows its page with the list as stored; a write kept on the
    phone shows there as soon as its batch lands — a vehicle added, a row's 确认在场
    done — not only at the next 5-s refresh, nor as a row still to confirm."""
    declared = make_checkin(gate, status="declared", person=make_person(world.building_a, "钱居民"))
    start = timezone.now()
    phone.clock.install(time=start)
    phone.clock.pause_at(start + timedelta(seconds=1))  # no timer fires unless told: no poll
    phone.reload()
    phone.route(VEHICLE, lambda route: route.abort())
    phone.route("**/checkpoints/checkins/*/confirm/", lambda route: route.abort())
    phone.route(BATCH, lambda route: route.abort())
    register_vehicle(phone, "豫A88888")
    row = phone.locator(f"#rows .row:has(form[data-checkin='{declared.pk}'])")
    row.get_by_role("button", name="确认在场").click()
    phone.wait_for_selector("#offline:has-text('离线待上传 2 条')")
    assert phone.locator("#rows .row.kept").count() == 1

    phone.unroute(VEHICLE)
    phone.unroute(BATCH)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_selector("#offline:has-text('已上传 2 条')")
    phone.clock.run_for(500)  # well inside the 5 s of the next refresh
    phone.wait_for_selector("#rows .row:has-text('豫A88888')")
    assert phone.locator("#rows .row[data-status=declared]").count() == 0
    assert phone.locator("#rows .row.kept").count() == 0
    assert "值守已确认" in phone.inner_text("#rows")


def figure(page, name: str) -> str:
    return page.inner_text(f"#counts [data-figure={name}] b")


def test_today_s_figures_follow_a_batch_and_a_batch_sent_again_counts_once(
    phone, world, gate
) -> None:
    """A car of two kept on the phone; its batch is stored but the answer is lost, so
    the phone sends it again. As soon as that lands the figures above the list show
    the car once — 车辆 1, 进 2 — and stay so."""
    start = timezone.now()
    phone.clock.install(time=start)
    phone.clock.pause_at(start + timedelta(seconds=1))  # no timer fires unless told: no poll
    phone.reload()
    assert (figure(phone, "vehicles_checked"), figure(phone, "people_in")) == ("0", "0")

    def lose_the_answer(route) -> None:
        route.fetch()  # the server stores the batch; the phone never hears back
        route.abort()

    phone.route(VEHICLE, lambda route: route.abort())
    phone.route(BATCH, lose_the_answer)
    register_vehicle(phone, "豫A99999")
    phone.wait_for_selector("#offline:has-text('离线待上传 1 条')")
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(50):
        if CheckIn.objects.exists():
            break
        phone.wait_for_timeout(100)
    assert CheckIn.objects.get().plate == "豫A99999"
    assert "离线待上传 1 条" in phone.inner_text("#offline"), "still kept on the phone"

    phone.unroute(BATCH)
    uploaded = phone.locator("#offline:has-text('已上传 1 条')")
    for _ in range(50):  # sent again once the lost send has given up
        phone.evaluate("window.dispatchEvent(new Event('online'))")
        if uploaded.count():
            break
        phone.wait_for_timeout(100)
    uploaded.wait_for()
    phone.clock.run_for(500)  # well inside the 5 s of the next refresh
    phone.wait_for_selector("#counts [data-figure=vehicles_checked] b:text-is('1')")
    assert figure(phone, "people_in") == "2"
    phone.clock.run_for(5500)  # a poll later: the same figures
    phone.wait_for_timeout(300)
    assert (figure(phone, "vehicles_checked"), figure(phone, "people_in")) == ("1", "2")
    assert CheckIn.objects.count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_queue_longer_than_one_batch_is_uploaded_in_batches(phone, world, gate) -> None:
    """A post offline for hours keeps more writes than the server takes in one batch
    (MAX_BATCH): the phone sends them a batch at a time instead of sending them all,
    being refused, and keeping every one on the phone for ever."""
    script = "document.querySelector('script[data-batch]')"
    assert phone.evaluate(f"{script}.dataset.batch") == str(MAX_BATCH)
    phone.evaluate(f"{script}.dataset.batch = '2'")  # five writes make three batches
    phone.route(VEHICLE, lambda route: route.abort())
    phone.route(BATCH, lambda route: route.abort())
    plates = [f"豫A1234{n}" for n in range(5)]
    phone.click("summary:has-text('车辆登记')")
    for n, plate in enumerate(plates, start=1):
        phone.fill("#vehicle_plate", plate)
        phone.click("form[data-kind=vehicle] button")
        phone.wait_for_selector(f"#offline:has-text('离线待上传 {n} 条')")

    sizes = []

    def measure(route) -> None:
        sizes.append(len(json.loads(route.request.post_data)["items"]))
        route.continue_()

    phone.unroute(BATCH)
    phone.route(BATCH, measure)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_selector("#offline:has-text('已上传 5 条')")
    assert sizes == [2, 2, 1]
    assert sorted(CheckIn.objects.values_list("plate", flat=True)) == plates
    assert phone.evaluate(QUEUE) == []
