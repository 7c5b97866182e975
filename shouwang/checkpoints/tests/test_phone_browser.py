"""Phone flows in Debian's Chromium at 360×740: a resident scanning a poster, and
staff scanning passes at the post."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import segno
from django.utils import timezone

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in, page_weight
from shouwang.watch.models import Alert

from .. import actions, tokens
from ..declarations import Declaration
from ..models import CheckIn
from .factories import id_number, make_checkpoint, make_pass, make_person, observe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def register(
    page,
    code: str,
    *,
    name: str = "王小明",
    doc: str | None = None,
    temperature: str = "",
    cough: bool = False,
) -> None:
    page.goto(f"/c/{code}/")
    page.wait_for_url(f"**/c/{code}/register/")
    page.fill("#id_name", name)
    page.fill("#id_doc_number", doc or id_number())
    page.fill("#id_phone", "13912345678")
    page.select_option("#id_building", label="西城花园 1号楼")
    page.fill("#id_room", "302")
    if temperature:
        page.fill("#id_temperature", temperature)
    if cough:
        page.check("#id_cough")
    page.check("input[name=direction][value=in]")
    page.click("#submit")
    page.wait_for_selector("#result")


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_first_scan_registers_and_shows_a_live_green(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    register(phone, gate.code)
    result = phone.locator("#result")
    assert result.get_attribute("data-result") == "g"
    assert "绿" in result.inner_text()
    assert "西城花园东门" in result.inner_text()
    assert "进" in result.inner_text()
    fits(phone)
    before = phone.inner_text("#clock")
    phone.wait_for_timeout(1200)
    assert phone.inner_text("#clock") != before, "the clock is live"
    # In the server's time zone (Asia/Shanghai) even on a phone set to UTC, as here.
    hours = {f"{timezone.localtime():%H}"}
    shown = phone.inner_text("#clock")
    hours.add(f"{timezone.localtime():%H}")
    assert shown[:2] in hours
    box1 = phone.locator(".mark").bounding_box()
    phone.wait_for_timeout(400)
    assert phone.locator(".mark").bounding_box()["x"] != box1["x"], "the mark moves"
    row = CheckIn.objects.get()
    assert (row.status, row.result) == ("declared", "g")


def test_the_live_clock_tells_the_server_s_time_on_a_phone_set_wrong(phone, world) -> None:
    """Staff compare the clock with their own watch: a phone whose clock is hours off
    (never synced, set by hand) must not show a time that looks like a screenshot's."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    phone.clock.install(time="2020-01-01T08:00:00+08:00")
    phone.clock.resume()
    register(phone, gate.code)
    phone.wait_for_timeout(1100)
    shown = phone.inner_text("#clock")
    now = timezone.localtime()
    expected = {f"{now - timedelta(seconds=s):%H:%M}" for s in range(0, 6)}
    assert shown[:5] in expected, (shown, expected)


def test_the_second_scan_is_one_tap(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    register(phone, gate.code)
    phone.goto(f"/c/{gate.code}/")
    fits(phone)
    phone.click("button[name=direction][value=out]")
    phone.wait_for_selector("#result")
    assert phone.locator("#result").get_attribute("data-result") == "g"
    assert "出" in phone.inner_text("#result")
    assert CheckIn.objects.filter(direction="out").count() == 1
    assert CheckIn.objects.count() == 2


def test_each_scan_carries_the_declaration_shown_on_the_one_tap_page(phone, world) -> None:
    """A cough ticked at registration is shown at the next scan; unticking it is one
    more tap, and a fever declared later is red with an alert to the community."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    register(phone, gate.code, cough=True)
    assert phone.locator("#result").get_attribute("data-result") == "y"
    phone.goto(f"/c/{gate.code}/")
    fits(phone)
    assert page_weight(phone) < 100_000
    assert phone.is_checked("#id_cough")
    assert not phone.is_checked("#id_fever")
    assert phone.locator("button[name=direction][value=out]").is_visible()
    phone.uncheck("#id_cough")
    phone.click("button[name=direction][value=out]")
    phone.wait_for_selector("#result")
    assert phone.locator("#result").get_attribute("data-result") == "g"
    phone.goto(f"/c/{gate.code}/")
    assert not phone.is_checked("#id_cough")
    phone.check("#id_fever")
    phone.click("button[name=direction][value=in]")
    phone.wait_for_selector("#result")
    assert phone.locator("#result").get_attribute("data-result") == "r"
    assert "申报发热" in phone.inner_text("body")
    alert = Alert.objects.get(kind=Alert.Kind.FEVER)
    assert alert.area == world.community_a
    assert [r.result for r in CheckIn.objects.order_by("at")] == ["y", "g", "r"]


def test_typing_another_symptom_ticks_it(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    register(phone, gate.code)
    phone.goto(f"/c/{gate.code}/")
    phone.fill("#id_other_symptoms", "咽痛")
    assert phone.is_checked("#id_other")
    phone.click("button[name=direction][value=in]")
    phone.wait_for_selector("#result")
    assert phone.locator("#result").get_attribute("data-result") == "y"
    assert CheckIn.objects.latest("at").other_symptoms == "咽痛"


def test_a_staff_scan_confirms_the_pass_holder_s_self_scan(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    gate.staff.add(world.guard_a)
    pass_ = make_pass(make_person(world.building_a, "孙居民"))
    tapped = actions.self_checkin(
        checkpoint=gate,
        pass_=pass_,
        direction="out",
        client_id=uuid.uuid4(),
        declaration=Declaration(),
    ).checkin
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    phone.fill("#scan_token", tokens.phone_token(pass_.code))
    phone.check("#scan-form input[name=direction][value=out]")
    phone.fill("#scan_temperature", "36.4")
    phone.click("#scan-form button.primary")
    phone.wait_for_selector("#verdict")
    fits(phone)
    verdict = phone.inner_text("#verdict")
    assert "值守已确认" in verdict
    assert "已确认为同一次通行" in verdict
    (row,) = CheckIn.objects.all()
    assert (row.pk, row.status, row.recorded_by) == (tapped.pk, "confirmed", world.guard_a)
    assert str(row.temperature) == "36.4"
    phone.wait_for_selector(".row[data-status=confirmed]")
    assert phone.locator(".row").count() == 1


def test_a_fever_is_red_with_an_alert_for_the_community(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    register(phone, gate.code, temperature="38.2")
    assert phone.locator("#result").get_attribute("data-result") == "r"
    assert "红" in phone.inner_text("#result")
    alert = Alert.objects.get(kind=Alert.Kind.FEVER)
    assert alert.area == world.community_a
    assert "西城花园东门" in alert.title


def test_a_person_under_observation_is_red(phone, world) -> None:
    person = make_person(world.building_a, "赵观察")
    observe(person)
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    register(phone, gate.code, name="赵观察", doc=person.document_number)
    assert phone.locator("#result").get_attribute("data-result") == "r"
    assert Alert.objects.filter(kind=Alert.Kind.OBSERVED_AT_CHECKPOINT, person=person).exists()


def _decode_in_page(page, payload: str) -> str:
    """Draw a QR into a canvas and read it with the vendored decoder on the page. The
    PNG is decoded from its bytes: the page's Content-Security-Policy loads no data: image."""
    png = segno.make(payload, error="m").png_data_uri(scale=6, border=4).split(",", 1)[1]
    return page.evaluate(
        """(png) => new Promise((resolve) => window.shouwangLoadDecoder(() => {
              const bytes = Uint8Array.from(atob(png), (ch) => ch.charCodeAt(0));
              createImageBitmap(new Blob([bytes], { type: "image/png" })).then((img) => {
                const c = document.createElement("canvas");
                c.width = img.width; c.height = img.height;
                const ctx = c.getContext("2d");
                ctx.drawImage(img, 0, 0);
                const found = window.shouwangDecode(ctx.getImageData(0, 0, c.width, c.height));
                resolve(found ? found.data : "");
              });
            }))""",
        png,
    )


def test_staff_scan_a_pass_and_reject_a_forged_one(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    gate.staff.add(world.guard_a)
    pass_ = make_pass(make_person(world.building_a, "钱居民"))
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    fits(phone)

    decoded = _decode_in_page(phone, tokens.phone_token(pass_.code))
    assert decoded.startswith("P" + pass_.code)
    phone.fill("#scan_token", decoded)
    phone.check("#scan-form input[name=direction][value=in]")
    phone.click("#scan-form button.primary")
    phone.wait_for_selector("#verdict")
    assert phone.locator("#verdict").get_attribute("data-result") == "g"
    assert "钱居民" in phone.inner_text("#verdict")

    forged = "P" + pass_.code + ":1x2y3z:" + "A" * 43
    phone.fill("#scan_token", forged)
    phone.check("#scan-form input[name=direction][value=in]")
    phone.click("#scan-form button.primary")
    phone.wait_for_selector("#verdict")
    assert phone.locator("#verdict").get_attribute("data-result") == "r"
    assert "伪造" in phone.inner_text("#verdict")
    assert CheckIn.objects.count() == 1


def test_staff_confirm_a_self_scan_with_a_fever(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    person = make_person(world.building_a, "周居民")
    from .factories import make_checkin

    make_checkin(gate, person=person, status="declared", source="self")
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    phone.fill(".row[data-status=declared] input[name=temperature]", "38.0")
    phone.click(".row[data-status=declared] button")
    phone.wait_for_selector("#verdict")
    assert phone.locator("#verdict").get_attribute("data-result") == "r"
    assert Alert.objects.filter(kind=Alert.Kind.FEVER, area=world.community_a).count() == 1


def test_an_offline_post_queues_writes_and_uploads_them_once(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    phone.context.set_offline(True)
    phone.click("summary:has-text('车辆登记')")
    phone.fill("#vehicle_plate", "豫A12345")
    phone.fill("#vehicle_occupants", "3")
    phone.click("form[data-kind=vehicle] button")
    phone.click("summary:has-text('劝返')")
    phone.fill("#turn_back_reason", "非必要出行")
    phone.click("form[data-kind=turn_back] button")
    phone.wait_for_selector("#offline:has-text('离线待上传 2 条')")
    assert not CheckIn.objects.exists()
    phone.context.set_offline(False)
    phone.wait_for_selector("#offline:has-text('已上传 2 条')")
    rows = CheckIn.objects.order_by("pk")
    assert [(r.subject, r.status, r.source) for r in rows] == [
        ("v", "confirmed", "api"),
        ("p", "turned_back", "api"),
    ]
    phone.reload()
    phone.wait_for_timeout(500)
    assert CheckIn.objects.count() == 2, "nothing is uploaded twice"


def test_the_pass_qr_is_redrawn_when_the_phone_wakes_up(phone, world) -> None:
    """A locked phone runs no timers: on waking, a QR drawn minutes ago (expired after
    two) must be redrawn at once, not after the countdown's remaining ticks."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    phone.clock.install()
    register(phone, gate.code)
    phone.goto("/pass/")
    drawn = phone.get_attribute("#qr", "src")
    phone.clock.run_for(5_000)
    assert phone.get_attribute("#qr", "src") == drawn
    phone.clock.fast_forward("03:00")  # the screen was off for three minutes
    phone.clock.run_for(1_000)
    # (The new QR takes the old one's place once it has loaded.)
    changed = "(before) => document.getElementById('qr').getAttribute('src') !== before"
    phone.wait_for_function(changed, arg=drawn)
    redrawn = phone.get_attribute("#qr", "src")
    phone.clock.run_for(61_000)  # and every minute while the screen is on
    phone.wait_for_function(changed, arg=redrawn)


def test_a_record_made_after_the_session_ended_is_kept_and_uploaded_after_sign_in(
    phone, world
) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    log_in(phone, "guard_a", PASSWORD)
    phone.goto(f"/checkpoints/console/{gate.pk}/")
    phone.context.clear_cookies(name="sessionid")  # signed out: idle too long at a quiet post
    phone.click("summary:has-text('车辆登记')")
    phone.fill("#vehicle_plate", "豫A12345")
    phone.click("form[data-kind=vehicle] button")
    phone.wait_for_url("**/accounts/login/**")
    assert not CheckIn.objects.exists()
    phone.fill("#id_username", "guard_a")
    phone.fill("#id_password", PASSWORD)
    phone.click("button.primary")
    phone.wait_for_url(f"**/checkpoints/console/{gate.pk}/")
    phone.wait_for_selector("#offline:has-text('已上传 1 条')")
    (row,) = CheckIn.objects.all()
    assert (row.subject, row.plate, row.recorded_by) == ("v", "豫A12345", world.guard_a)


def test_clearing_the_phone_asks_first(phone, world) -> None:
    """清除本机登记信息 sits under the 进/出 buttons: a slip of the finger must not
    throw away the registration (the next scan would ask for the whole form again)."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    register(phone, gate.code)
    phone.goto(f"/c/{gate.code}/")
    asked: list[str] = []

    def say_no(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    phone.once("dialog", say_no)
    phone.click("#forget button")
    phone.wait_for_timeout(300)
    (question,) = asked
    assert question == "清除后本机不再保存王**的登记信息，下次扫码需重新填写。确定清除？"
    phone.goto(f"/c/{gate.code}/")
    assert phone.locator("button[name=direction][value=in]").is_visible(), "still registered"

    phone.once("dialog", lambda dialog: dialog.accept())
    phone.click("#forget button")
    phone.wait_for_selector("h1:has-text('已清除')")
    phone.goto(f"/c/{gate.code}/")
    phone.wait_for_url(f"**/c/{gate.code}/register/")


def test_a_refused_registration_shows_what_to_fix_on_the_first_screen(phone, world) -> None:
    """A resident who skips 楼栋 and 门牌 (not required by the browser: visitors have
    none) taps 提交并通行 at the bottom; the page comes back at its top, and says there
    what to change."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    phone.goto(f"/c/{gate.code}/register/")
    phone.fill("#id_name", "王小明")
    phone.fill("#id_doc_number", id_number())
    phone.fill("#id_phone", "13912345678")
    phone.click("#submit")
    phone.wait_for_selector("#fix")
    assert phone.inner_text("#fix") == "请按红字提示修改：楼栋、门牌/房号，再点“提交并通行”"
    box = phone.locator("#fix").bounding_box()
    assert box["y"] + box["height"] <= 740, "seen without scrolling"
    fits(phone)
    assert page_weight(phone) < 100_000
    assert phone.input_value("#id_name") == "王小明", "what was typed is kept"
    assert not CheckIn.objects.exists()


def test_a_pass_qr_that_cannot_be_refreshed_stays_until_it_expires(phone, world) -> None:
    """A gate's weak signal: the minute's refresh of the pass QR fails. The QR on
    screen is still valid (two minutes from drawing), so it stays, with a word that it
    could not be refreshed — it was replaced by a broken image, under "58 秒后刷新" —
    until it expires; then it is taken off, and the next try once online draws a new one."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    phone.clock.install()
    register(phone, gate.code)
    phone.goto("/pass/")
    phone.wait_for_function("document.getElementById('qr').naturalWidth > 0")
    drawn = phone.evaluate("document.getElementById('qr').src")
    phone.context.set_offline(True)
    phone.clock.run_for(61_000)
    phone.wait_for_timeout(500)
    phone.clock.run_for(1_000)
    assert phone.evaluate("document.getElementById('qr').src") == drawn
    assert phone.evaluate("document.getElementById('qr').naturalWidth") > 0
    assert phone.is_visible("#qr")
    assert "未刷新" in phone.inner_text("#left")
    phone.clock.run_for(60_000)  # two minutes since it was drawn: no longer valid
    assert not phone.is_visible("#qr")
    assert "已过期" in phone.inner_text("#left")
    phone.context.set_offline(False)
    phone.clock.run_for(6_000)
    phone.wait_for_function("(drawn) => document.getElementById('qr').src !== drawn", arg=drawn)
    phone.wait_for_function("document.getElementById('qr').naturalWidth > 0")
    assert phone.is_visible("#qr")
    phone.clock.run_for(1_000)
    assert "秒后刷新" in phone.inner_text("#left")
