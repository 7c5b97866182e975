"""A visitor registered by staff where the rules refuse visitors did not come in: the
registration is recorded as 劝返 with the rule's reason, counted in 劝返, never in 进."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.cases.tests.factories import make_key_area

from ..models import CheckIn, PassRule, Visit

pytestmark = pytest.mark.django_db


def register(world, gate, form):
    return world.client("guard_a").post(
        reverse("checkpoints:console_visitor", args=[gate.pk]), form
    )


def test_it_records_a_refused_visitor_as_turned_back(world, gate, visitor_form) -> None:
    PassRule.objects.create(area=world.community_a, visitors=PassRule.Visitors.REFUSED)
    response = register(world, gate, visitor_form())
    assert response.status_code == 302
    row = CheckIn.objects.get()
    assert row.status == CheckIn.Status.TURNED_BACK
    assert row.result == "r"
    assert row.note.startswith("劝返：本辖区谢绝访客")
    assert row.note.count("本辖区谢绝访客") == 1
    assert row.recorded_by == world.guard_a
    assert Visit.objects.get(checkin=row).name == "孙访客"
    figures = CheckIn.objects.figures()
    assert (figures["people_in"], figures["people_turned_back"]) == (0, 1)
    page = world.client("guard_a").get(response["Location"])
    shown = page.content.decode()
    assert "劝返：本辖区谢绝访客" in shown
    assert page.context["last"] == row


def test_a_visitor_in_a_strict_key_area_is_turned_back(world, gate, visitor_form) -> None:
    make_key_area(world.community_a)
    register(world, gate, visitor_form())
    row = CheckIn.objects.get()
    assert row.status == CheckIn.Status.TURNED_BACK
    assert row.note.startswith("劝返：重点区域谢绝访客")


def test_a_visitor_leaving_is_not_turned_back(world, gate, visitor_form) -> None:
    PassRule.objects.create(area=world.community_a, visitors=PassRule.Visitors.REFUSED)
    register(world, gate, visitor_form(direction="out"))
    row = CheckIn.objects.get()
    assert row.status == CheckIn.Status.CONFIRMED
    assert CheckIn.objects.figures()["people_out"] == 1


def test_a_registered_visitor_where_visitors_are_allowed_comes_in(
    world, gate, visitor_form
) -> None:
    register(world, gate, visitor_form())
    row = CheckIn.objects.get()
    assert (row.status, row.result) == (CheckIn.Status.CONFIRMED, "g")
    assert CheckIn.objects.figures()["people_in"] == 1


def test_the_offline_upload_turns_a_refused_visitor_back_too(world, gate) -> None:
    PassRule.objects.create(area=world.community_a, visitors=PassRule.Visitors.REFUSED)
    item = {
        "client_id": str(uuid.uuid4()),
        "kind": "visitor",
        "checkpoint": gate.pk,
        "direction": "in",
        "at": timezone.now().isoformat(),
        "name": "孙访客",
        "phone": "13700001111",
        "visiting": "2号楼刘女士",
        "reason": "送生活物资",
    }
    response = world.client("guard_a").post(
        "/api/v1/checkpoints/checkins",
        json.dumps({"sent_at": timezone.now().isoformat(), "items": [item]}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    row = CheckIn.objects.get()
    assert row.status == CheckIn.Status.TURNED_BACK
