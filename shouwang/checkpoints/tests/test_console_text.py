"""Free text typed at the post's console (访客登记, 劝返, a vehicle's plate) is
refused with a control character in it (a line break, NUL, a bell), with the same
message the offline API gives, and nothing is written."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from ..models import CheckIn, Visit
from .factories import make_checkpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园北门")


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("name", "孙\n访客", "访客姓名"),
        ("name", "孙访\x00客", "访客姓名"),
        ("visiting", "2号楼\x07刘女士", "拜访对象"),
        ("reason", "送生活\r\n物资", "来访事由"),
        ("phone", "137\x0000001111", "手机号"),
    ],
)
def test_a_visitor_with_a_control_character_is_refused(
    world, gate, visitor_form, field, value, label
) -> None:
    response = world.client("guard_a").post(
        reverse("checkpoints:console_visitor", args=[gate.pk]), visitor_form(**{field: value})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{label}含有控制字符（如换行、空字符），请核对后重新填写" in page
    assert page.count("含有控制字符") == 1, "one message, not Django's NUL check as well"
    assert not CheckIn.objects.exists()
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("extra", "label"),
    [
        ({"reason": "无事\n外出"}, "劝返原因"),
        ({"reason": "无事\x00外出"}, "劝返原因"),
        ({"subject": "v", "plate": "豫B\t88888"}, "车牌"),
    ],
)
def test_a_turn_back_with_a_control_character_is_refused(
    world, gate, turn_back_form, extra, label
) -> None:
    response = world.client("guard_a").post(
        reverse("checkpoints:console_turn_back", args=[gate.pk]), turn_back_form(**extra)
    )
    assert response.status_code == 400
    assert f"{label}含有控制字符（如换行、空字符），请核对后重新填写" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_vehicle_with_a_control_character_in_its_plate_is_refused(world, gate) -> None:
    """Said as the API says it, rather than as a plate of the wrong shape."""
    data = {"client_id": str(uuid.uuid4()), "plate": "豫A\x0012345", "occupants": "1"}
    response = world.client("guard_a").post(
        reverse("checkpoints:console_vehicle", args=[gate.pk]), {**data, "direction": "in"}
    )
    assert response.status_code == 400
    assert "车牌含有控制字符（如换行、空字符），请核对后重新填写" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_console_and_the_api_refuse_alike(world, gate, visitor_form) -> None:
    """The same visitor sent offline gets the same words (the API names the field 姓名)."""
    client = world.client("guard_a")
    item = {**visitor_form(name="孙\n访客"), "checkpoint": gate.pk, "kind": "visitor"}
    body = client.post(
        "/api/v1/checkpoints/checkins", {"items": [item]}, content_type="application/json"
    ).json()
    assert body["results"][0]["error"] == "姓名含有控制字符（如换行、空字符），请核对后重新填写"
    assert not CheckIn.objects.exists()


def test_a_visitor_typed_cleanly_is_still_registered(world, gate, visitor_form) -> None:
    # Spaces around a value are trimmed as before, not refused.
    response = world.client("guard_a").post(
        reverse("checkpoints:console_visitor", args=[gate.pk]), visitor_form(name=" 孙访客 ")
    )
    assert response.status_code == 302
    assert Visit.objects.get().checkin.visitor
