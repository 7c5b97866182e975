"""A family on one phone, in Debian's Chromium at 360×740: the adult registers
themselves, adds a parent without a phone, and scans for the parent."""

from __future__ import annotations

import pytest

from shouwang.core.tests.browser import page_weight
from shouwang.people.models import Person
from shouwang.watch.models import Alert

from ..models import CheckIn, Pass
from ..tokens import COOKIE_NAME
from .factories import id_number, make_checkpoint, make_pass, make_person
from .test_family_phone import signed
from .test_phone_browser import fits, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_adult_registers_a_parent_and_scans_for_them(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    register(phone, gate.code, name="王小明")
    phone.goto(f"/c/{gate.code}/")
    phone.click("#add")
    phone.wait_for_url(f"**/c/{gate.code}/register/")
    fits(phone)
    # The parent lives with the adult: their home is filled in.
    assert phone.input_value("#id_room") == "302"
    assert phone.locator("#id_building option:checked").inner_text() == "西城花园 1号楼"
    phone.fill("#id_name", "王大爷")
    phone.fill("#id_doc_number", id_number(born="19450301"))
    phone.fill("#id_phone", "13912345678")
    phone.check("input[name=direction][value=in]")
    phone.click("#submit")
    phone.wait_for_selector("#result")
    assert "王*爷" in phone.inner_text("#result")

    phone.goto(f"/c/{gate.code}/")
    fits(phone)
    assert page_weight(phone) < 100_000
    assert phone.locator("#family a.who").all_inner_texts() == ["王*明", "王*爷"]
    phone.click("#family a.who:has-text('王*爷')")
    assert "王*爷" in phone.inner_text("#who")
    fits(phone)
    phone.click("button[name=direction][value=out]")
    phone.wait_for_selector("#result")
    assert phone.locator("#result").get_attribute("data-result") == "g"
    assert "王*爷 · 出" in phone.inner_text("#result")
    parent = next(p for p in Person.objects.all() if p.name == "王大爷")
    last = CheckIn.objects.latest("at")
    assert (last.person, last.direction) == (parent, "out")

    # The parent has a fever: red, and an alert for the parent only.
    phone.click("#next")
    phone.click("#family a.who:has-text('王*爷')")
    phone.check("#id_fever")
    phone.click("button[name=direction][value=in]")
    phone.wait_for_selector("#result")
    assert phone.locator("#result").get_attribute("data-result") == "r"
    assert "王*爷" in phone.inner_text("#result")
    alert = Alert.objects.get(kind=Alert.Kind.FEVER)
    assert alert.person == parent
    # The adult's own declaration is untouched by the parent's.
    phone.goto(f"/c/{gate.code}/")
    phone.click("#family a.who:has-text('王*明')")
    assert not phone.is_checked("#id_fever")
    phone.click("button[name=direction][value=in]")
    phone.wait_for_selector("#result")
    assert phone.locator("#result").get_attribute("data-result") == "g"
    assert Alert.objects.count() == 1


def test_each_person_s_pass_and_removing_one(phone, world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    register(phone, gate.code, name="王小明")
    phone.goto(f"/c/{gate.code}/register/")
    phone.fill("#id_name", "王大爷")
    phone.fill("#id_doc_number", id_number(born="19450301"))
    phone.fill("#id_phone", "13912345678")
    phone.click("#submit")
    phone.wait_for_selector("#result")
    phone.goto("/pass/")
    fits(phone)
    phone.click("#family a:has-text('王*爷')")
    drawn = phone.get_attribute("#qr", "src")
    assert "?p=" in drawn
    asked: list[str] = []
    phone.once("dialog", lambda dialog: asked.append(dialog.message) or dialog.accept())
    phone.click("#forget-one")
    phone.wait_for_url("**/pass/")
    assert asked == ["从本机清除王*爷？其出入证仍然有效，以后可以再添加。"]
    assert phone.locator("#family").count() == 0, "one person left: no list"
    phone.goto(f"/c/{gate.code}/")
    assert phone.locator("button[name=direction][value=in]").is_visible()
    assert "王**" in phone.inner_text("#declaration")


def test_a_full_phone_registers_someone_new_in_the_place_of_one_it_holds(
    phone, world, live_server
) -> None:
    """Six on the phone: 为其他人登记 lists them; the resident picks whom the new person
    replaces, confirms, fills in the form and the new person takes that place."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    names = ["王小明", "王大爷", "李奶奶", "王小红", "王小刚", "王小丽"]
    held = [make_pass(make_person(world.building_a, n, room="302")) for n in names]
    phone.context.add_cookies(
        [{"name": COOKIE_NAME, "value": signed(*(p.code for p in held)), "url": live_server.url}]
    )
    phone.goto(f"/c/{gate.code}/")
    phone.click("#add:has-text('为其他人登记')")
    phone.wait_for_selector("#replace")
    fits(phone)
    assert "已满" in phone.inner_text(".err")
    assert phone.locator("#replace form.swap span").all_inner_texts() == [
        "王*明",
        "王*爷",
        "李*奶",
        "王*红",
        "王*刚",
        "王*丽",
    ]
    choice = phone.locator("#replace form.swap:has-text('李*奶') button")

    asked: list[str] = []

    def say_no(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    phone.once("dialog", say_no)
    choice.click()
    phone.wait_for_timeout(300)
    assert "replace=" not in phone.url, "not confirmed: nothing chosen"
    (question,) = asked
    assert question.startswith("用新登记的人替换本机保存的李*奶？")

    phone.once("dialog", lambda dialog: dialog.accept())
    choice.click()
    phone.wait_for_url("**/register/?replace=*")
    assert "李*奶" in phone.inner_text("#replacing")
    fits(phone)
    assert page_weight(phone) < 100_000
    # The new person lives with the family: their home is filled in.
    assert phone.input_value("#id_room") == "302"
    phone.fill("#id_name", "王小七")
    phone.fill("#id_doc_number", id_number(born="20150301"))
    phone.fill("#id_phone", "13912345678")
    phone.click("#submit")
    phone.wait_for_selector("#result")
    assert "王*七" in phone.inner_text("#result")

    phone.goto(f"/c/{gate.code}/")
    assert phone.locator("#family a.who").all_inner_texts() == [
        "王*明",
        "王*爷",
        "王*七",
        "王*红",
        "王*刚",
        "王*丽",
    ]
    assert Pass.objects.get(pk=held[2].pk).is_usable(), "the replaced pass stays valid"
    assert next(p for p in Person.objects.all() if p.name == "王小七").household == (
        held[0].person.household
    )
