"""Every one-tap scan carries the resident's current health declaration: the page shows
the last one (symptoms of an earlier day named, risks lapsing after 14 days), the tap
declares what is shown, and the result and alerts follow it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.watch.models import Alert, Lead

from .. import tokens
from ..models import CheckIn, Pass
from .factories import make_checkpoint, make_pass, make_person, registration
from .test_resident import tap_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def registered(world, gate, **declared) -> Client:
    phone = Client()
    response = phone.post(
        reverse("checkin:register", args=[gate.code]), registration(world, **declared)
    )
    assert response.status_code == 200
    return phone


def page(phone: Client, gate) -> str:
    response = phone.get(reverse("checkin:scan", args=[gate.code]))
    assert response.status_code == 200
    assert len(response.content) < 100_000
    return response.content.decode()


def ticked(body: str, name: str) -> bool:
    tag = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', body)
    assert tag, name
    return " checked" in tag.group(0)


def tap(phone: Client, gate, **declared):
    return phone.post(reverse("checkin:scan", args=[gate.code]), tap_data(**declared))


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def age_declarations(n: int) -> None:
    """Move every passage and registration n days back (as if made then)."""
    CheckIn.objects.update(at=timezone.now() - timedelta(days=n))
    CheckIn.objects.filter(travel_since__isnull=False).update(travel_since=days_ago(n))
    CheckIn.objects.filter(contact_since__isnull=False).update(contact_since=days_ago(n))
    Pass.objects.update(declared_at=timezone.now() - timedelta(days=n))


def test_a_pass_with_no_scans_yet_shows_its_registration_s_answers(world, gate) -> None:
    """A pass issued before declarations travelled with each scan (or whose scans are
    past retention) shows the declaration it was registered with."""
    pass_ = make_pass(make_person(world.building_a, "老住户"), cough=True)
    phone = Client()
    phone.cookies[tokens.COOKIE_NAME] = signing.get_cookie_signer(
        salt=tokens.COOKIE_NAME + tokens.COOKIE_SALT
    ).sign(pass_.code)
    body = page(phone, gate)
    assert ticked(body, "cough")
    assert not ticked(body, "fever")


def test_the_tap_page_shows_the_last_answers(world, gate) -> None:
    phone = registered(world, gate, cough="on")
    body = page(phone, gate)
    assert ticked(body, "cough")
    assert not ticked(body, "fever")
    assert not ticked(body, "risk_travel")
    assert 'id="stale"' not in body, "declared today: nothing to point out"


def test_unticking_a_symptom_clears_it_for_this_and_later_scans(world, gate) -> None:
    """The bug: a cough ticked at registration stayed 黄 at every later tap."""
    phone = registered(world, gate, cough="on")
    assert CheckIn.objects.get().result == "y"
    response = tap(phone, gate, direction="out")  # the box unticked: nothing sent
    assert 'data-result="g"' in response.content.decode()
    row = CheckIn.objects.get(direction="out")
    assert (row.fever, row.cough, row.other_symptoms) == (False, False, "")
    assert not ticked(page(phone, gate), "cough")


def test_a_resident_who_falls_ill_later_declares_it_with_one_more_tap(world, gate) -> None:
    phone = registered(world, gate)
    response = tap(phone, gate, cough="on")
    assert 'data-result="y"' in response.content.decode()
    assert "咳嗽" in response.content.decode()
    assert ticked(page(phone, gate), "cough")


def test_a_declared_fever_is_red_with_one_alert_a_day_to_the_community(world, gate) -> None:
    phone = registered(world, gate)
    response = tap(phone, gate, fever="on")
    body = response.content.decode()
    assert 'data-result="r"' in body
    assert "申报发热" in body
    alert = Alert.objects.get(kind=Alert.Kind.FEVER)
    assert alert.area == world.community_a
    assert "申报发热" in alert.title
    assert "西城花园东门" in alert.title
    assert alert.source_id == str(CheckIn.objects.get(fever=True).pk)
    again = tap(phone, gate, fever="on", direction="out")
    assert 'data-result="r"' in again.content.decode()
    assert Alert.objects.filter(kind=Alert.Kind.FEVER).count() == 1, "one alert a day"


def test_other_symptoms_ticked_with_or_without_saying_which(world, gate) -> None:
    phone = registered(world, gate)
    assert 'data-result="y"' in tap(phone, gate, other="on").content.decode()
    assert CheckIn.objects.latest("at").other_symptoms == "其他不适"
    tap(phone, gate, other="on", other_symptoms=" 咽痛 ")
    assert CheckIn.objects.latest("at").other_symptoms == "咽痛"
    body = page(phone, gate)
    assert ticked(body, "other")
    assert 'value="咽痛"' in body
    # Text without the box ticked is not a declaration (the page ticks it as one types).
    assert 'data-result="g"' in tap(phone, gate, other_symptoms="咽痛").content.decode()


def test_symptoms_of_an_earlier_day_are_shown_with_their_day(world, gate) -> None:
    phone = registered(world, gate, cough="on")
    age_declarations(1)
    body = page(phone, gate)
    assert ticked(body, "cough"), "an illness does not end unseen at midnight"
    yesterday = days_ago(1)
    assert f"下列症状是您{yesterday.month}月{yesterday.day}日申报的" in body


def test_the_last_answers_win_over_older_ones_whenever_they_were_made(world, gate) -> None:
    phone = registered(world, gate, cough="on")
    age_declarations(5)  # past the recent days read first
    assert ticked(page(phone, gate), "cough")
    tap(phone, gate, direction="out")  # today, the cough gone
    assert not ticked(page(phone, gate), "cough")


def test_a_risk_is_carried_for_14_days_without_a_new_lead(world, gate) -> None:
    phone = registered(world, gate, risk_travel="on")
    assert Lead.objects.count() == 1
    age_declarations(13)
    body = page(phone, gate)
    assert ticked(body, "risk_travel")
    since = days_ago(13)
    assert f'name="travel_since" value="{since.isoformat()}"' in body
    assert f"（{since.month}月{since.day}日申报）" in body
    response = tap(phone, gate, risk_travel="on", travel_since=since.isoformat())
    assert 'data-result="y"' in response.content.decode()
    assert CheckIn.objects.latest("at").travel_since == since, "its 14 days still run"
    assert Lead.objects.count() == 1, "the same answer again is not a new lead"


def test_a_risk_lapses_after_14_days(world, gate) -> None:
    phone = registered(world, gate, risk_contact="on")
    age_declarations(14)
    body = page(phone, gate)
    assert not ticked(body, "risk_contact")
    assert 'name="contact_since"' in body
    assert 'name="contact_since" value=' not in body
    assert "接触过病例”已满14天，已取消勾选" in body
    assert 'data-result="g"' in tap(phone, gate).content.decode()


def test_a_risk_ticked_afresh_is_a_new_lead(world, gate) -> None:
    phone = registered(world, gate)
    response = tap(phone, gate, risk_contact="on")
    assert 'data-result="y"' in response.content.decode()
    assert CheckIn.objects.latest("at").contact_since == timezone.localdate()
    lead = Lead.objects.get()
    assert "接触过病例" in lead.detail
    # A carried date past its 14 days (a page left open) with the box still ticked is
    # a fresh declaration: today, and a lead.
    tap(phone, gate, risk_travel="on", travel_since=days_ago(20).isoformat())
    assert CheckIn.objects.latest("at").travel_since == timezone.localdate()
    assert Lead.objects.count() == 2


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"declared": ""}, "页面已过期，请刷新后重新申报"),
        ({"risk_travel": "on", "travel_since": "2999-01-01"}, "页面已过期，请刷新后重新申报"),
        ({"risk_contact": "on", "contact_since": "昨天"}, "页面已过期，请刷新后重新申报"),
        ({"other": "on", "other_symptoms": "嗓子疼" * 34}, "其他症状请简要填写，不超过100字"),
    ],
    ids=["no-declaration", "future-since", "bad-since", "long-other"],
)
def test_bad_declarations_are_refused_with_a_message(world, gate, bad, message) -> None:
    phone = registered(world, gate)
    response = tap(phone, gate, **bad)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CheckIn.objects.count() == 1, "the registration's passage only"
    assert not Alert.objects.exists()


def test_staff_scans_are_judged_on_what_still_holds(world, gate) -> None:
    """Staff scan without the resident being asked: yesterday's cough does not carry,
    today's does, and a risk holds its 14 days."""
    phone = registered(world, gate, cough="on", risk_travel="on")
    age_declarations(1)
    pass_ = Pass.objects.get()
    guard = world.client("guard_a")
    other_post = make_checkpoint(world.compound_a, "西城花园北门")

    def staff_scan() -> CheckIn:
        guard.post(
            reverse("checkpoints:console_scan", args=[other_post.pk]),
            {**tap_data(), "token": tokens.phone_token(pass_.code)},
        )
        return CheckIn.objects.filter(checkpoint=other_post).latest("at")

    row = staff_scan()
    assert row.result == "y"
    assert "咳嗽" not in row.note
    assert "风险地区" in row.note
    assert row.fever is None, "a staff row carries no declaration of its own"
    tap(phone, gate, fever="on")
    assert staff_scan().result == "r"
    # A card holder who never declared anything passes.
    card = make_pass(make_person(world.building_a, "持卡人", room="909"), kind="card")
    guard.post(
        reverse("checkpoints:console_scan", args=[other_post.pk]),
        {**tap_data(), "token": tokens.card_token(card.code)},
    )
    assert CheckIn.objects.filter(pass_used=card).get().result == "g"
