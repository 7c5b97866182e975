"""A visitor's self-scan under 访客须经值守登记 is 黄 (访客请向值守人员登记) until staff
at the post confirm it. The confirmation is that registration: the passage is judged
again as a registered visitor's, so with nothing else to warrant 黄 it is 绿 — what a
resident's would be, and what a staff scan of the visitor's pass shows anyway."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from .. import tokens
from ..actions import clear_rule_cache
from ..models import CheckIn, PassRule
from .factories import registration

pytestmark = pytest.mark.django_db


def visitor_self_scan(world, gate, **answers) -> CheckIn:
    data = registration(world, kind="visitor", visiting="3号楼张先生", visit_reason="送药")
    response = Client().post(reverse("checkin:register", args=[gate.code]), {**data, **answers})
    assert response.status_code == 200
    row = CheckIn.objects.get()
    assert (row.status, row.visitor) == ("declared", True)
    return row


def test_a_visitor_s_self_scan_is_yellow_until_staff_confirm_it(world, gate) -> None:
    row = visitor_self_scan(world, gate)
    assert (row.result, row.note) == ("y", "访客请向值守人员登记")


def test_confirming_a_visitor_s_self_scan_turns_it_green(world, gate) -> None:
    row = visitor_self_scan(world, gate)
    guard = world.client("guard_a")
    response = guard.post(reverse("checkpoints:checkin_confirm", args=[row.pk]), {})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.result, row.note) == ("confirmed", "g", "")
    shown = guard.get(response["Location"]).content.decode()
    assert 'id="verdict" data-result="g"' in shown
    assert "访客请向值守人员登记" not in shown
    assert '<span class="badge green">绿</span>' in shown, "the live list agrees"


def test_a_staff_scan_of_the_visitor_s_pass_confirms_it_green(world, gate) -> None:
    row = visitor_self_scan(world, gate)
    data = {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(row.pass_used.code),
        "direction": row.direction,
    }
    response = world.client("guard_a").post(
        reverse("checkpoints:console_scan", args=[gate.pk]), data
    )
    assert response["Location"].endswith(f"?last={row.pk}")
    assert CheckIn.objects.count() == 1
    row.refresh_from_db()
    assert (row.status, row.result, row.note) == ("confirmed", "g", "")


def test_a_confirmation_uploaded_offline_turns_it_green(world, gate) -> None:
    row = visitor_self_scan(world, gate)
    item = {"client_id": str(uuid.uuid4()), "checkpoint": gate.pk, "direction": "in"}
    response = world.client("guard_a").post(
        "/api/v1/checkpoints/checkins",
        {"items": [{**item, "kind": "confirm", "checkin": row.pk}]},
        content_type="application/json",
    )
    assert response.json()["results"][0] | {"client_id": ""} == {
        "client_id": "",
        "ok": True,
        "duplicate": False,
        "updated": True,
        "id": row.pk,
        "result": "g",
        "status": "confirmed",
        "error": "",
    }


def test_a_confirmed_visitor_with_a_declared_risk_stays_yellow_for_the_risk(world, gate) -> None:
    row = visitor_self_scan(world, gate, risk_travel="on")
    assert row.note == "申报14天内到过风险地区或接触过病例；访客请向值守人员登记"
    world.client("guard_a").post(reverse("checkpoints:checkin_confirm", args=[row.pk]), {})
    row.refresh_from_db()
    assert (row.status, row.result, row.note) == (
        "confirmed",
        "y",
        "申报14天内到过风险地区或接触过病例",
    )


def test_a_fever_measured_at_the_confirmation_is_still_red(world, gate) -> None:
    row = visitor_self_scan(world, gate)
    world.client("guard_a").post(
        reverse("checkpoints:checkin_confirm", args=[row.pk]), {"temperature": "38.2"}
    )
    row.refresh_from_db()
    assert (row.status, row.result) == ("confirmed", "r")
    assert "体温 38.2℃，达到发热标准" in row.note


def test_a_refused_visitor_is_turned_back_and_stays_so_when_confirmed(world, gate) -> None:
    """Refused by the rule, the visitor did not come in: 劝返 at once, not 待确认."""
    PassRule.objects.create(area=world.community_a, visitors=PassRule.Visitors.REFUSED)
    data = registration(world, kind="visitor", visiting="3号楼张先生", visit_reason="送药")
    Client().post(reverse("checkin:register", args=[gate.code]), data)
    row = CheckIn.objects.get()
    assert (row.status, row.result, row.note) == ("turned_back", "r", "劝返：本辖区谢绝访客")
    world.client("guard_a").post(reverse("checkpoints:checkin_confirm", args=[row.pk]), {})
    row.refresh_from_db()
    assert (row.status, row.result, row.note) == ("turned_back", "r", "劝返：本辖区谢绝访客")


def test_a_confirmation_never_makes_a_passage_worse(world, gate) -> None:
    """The rule changed between the tap and the confirmation: the confirmation only
    settles the registration; it does not stop someone already let through."""
    row = visitor_self_scan(world, gate)
    PassRule.objects.create(area=world.community_a, visitors=PassRule.Visitors.REFUSED)
    clear_rule_cache()  # as saving a rule does
    world.client("guard_a").post(reverse("checkpoints:checkin_confirm", args=[row.pk]), {})
    row.refresh_from_db()
    assert (row.status, row.result, row.note) == ("confirmed", "y", "访客请向值守人员登记")
