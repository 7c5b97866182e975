"""Every POST of the post's console given bad input: a message in Chinese saying what to
fix, a 4xx, nothing written — never a 500. A full-width temperature typed with a
Chinese input method (３６.５) is a temperature."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from shouwang.watch.models import Alert

from .. import tokens
from ..models import CheckIn
from .factories import make_checkin, make_checkpoint, make_pass, make_person

pytestmark = pytest.mark.django_db

NUMBER = "体温请填数字，如 36.5"
RANGE = "体温应在30到45℃之间，请核对"
PLACES = "体温请填一位小数"
BAD_TEMPERATURES = [
    ("abc", NUMBER),
    ("45.9", RANGE),
    ("29.9", RANGE),
    ("36.55", PLACES),
    ("NaN", NUMBER),
    ("Infinity", NUMBER),
    ("1e400", RANGE),
    ("9" * 40, RANGE),
    ("３６．５５", PLACES),
    ("36,5", NUMBER),
    ("36.5\x00", NUMBER),
]


@pytest.fixture
def guard(world):
    return world.client("guard_a")


def snapshot() -> list:
    return [
        *CheckIn.objects.order_by("pk").values_list(
            "pk", "status", "temperature", "result", "note", "recorded_by_id", "confirmed_at"
        ),
        Alert.objects.count(),
    ]


def refused(response, message: str) -> None:
    assert response.status_code == 400
    assert escape(message) in response.content.decode(), message


def console_url(name: str, gate) -> str:
    return reverse(f"checkpoints:{name}", args=[gate.pk])


def scan_data(world, **extra) -> dict:
    pass_ = make_pass(make_person(world.building_a, "李四", room="202"))
    return {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(pass_.code),
        "direction": "in",
        **extra,
    }


@pytest.mark.parametrize(("temperature", "message"), BAD_TEMPERATURES)
def test_every_form_refuses_a_bad_temperature(
    world, gate, guard, declared, temperature, message, vehicle_form, visitor_form, turn_back_form
) -> None:
    before = snapshot()
    posts = [
        (console_url("console_scan", gate), scan_data(world, temperature=temperature)),
        (console_url("console_vehicle", gate), vehicle_form(temperature=temperature)),
        (console_url("console_visitor", gate), visitor_form(temperature=temperature)),
        (console_url("console_turn_back", gate), turn_back_form(temperature=temperature)),
        (reverse("checkpoints:checkin_confirm", args=[declared.pk]), {"temperature": temperature}),
        (reverse("checkpoints:checkin_measure", args=[declared.pk]), {"temperature": temperature}),
    ]
    for url, data in posts:
        refused(guard.post(url, data), message)
    assert snapshot() == before


@pytest.mark.parametrize(
    "temperature", ["３６.５", "３６．５", "36。5", "36，5", "36.5℃", " 36.5 "]
)
def test_a_full_width_temperature_is_a_temperature(
    world, gate, guard, declared, temperature, vehicle_form
) -> None:
    response = guard.post(
        reverse("checkpoints:checkin_confirm", args=[declared.pk]), {"temperature": temperature}
    )
    assert response.status_code == 302
    declared.refresh_from_db()
    assert (declared.status, declared.temperature) == ("confirmed", Decimal("36.5"))
    scanned = guard.post(
        console_url("console_scan", gate), scan_data(world, temperature=temperature)
    )
    assert scanned.status_code == 302
    assert CheckIn.objects.get(pass_used__isnull=False).temperature == Decimal("36.5")
    vehicle = guard.post(
        console_url("console_vehicle", gate), vehicle_form(temperature=temperature)
    )
    assert vehicle.status_code == 302
    assert CheckIn.objects.get(subject="v").temperature == Decimal("36.5")


@pytest.mark.parametrize(
    "plate", ["ABC", "豫A1234567890", "12345", "豫A123\n45", "豫A\x0012345", "<script>"]
)
def test_a_junk_plate_is_refused(world, gate, guard, plate, vehicle_form, turn_back_form) -> None:
    before = snapshot()
    refused(guard.post(console_url("console_vehicle", gate), vehicle_form(plate=plate)), "车牌")
    refused(
        guard.post(
            console_url("console_turn_back", gate), turn_back_form(subject="v", plate=plate)
        ),
        "车牌",
    )
    assert snapshot() == before


def test_a_vehicle_turned_back_without_a_plate_is_refused(
    world, gate, guard, turn_back_form
) -> None:
    before = snapshot()
    response = guard.post(console_url("console_turn_back", gate), turn_back_form(subject="v"))
    refused(response, "劝返车辆请填写车牌号")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"token": "garbage"}, "拒绝通行"),
        ({"token": ""}, "请扫描出入证"),
        ({"client_id": ""}, "页面缺少登记编号，请刷新"),
        ({"client_id": "not-a-uuid"}, "页面已过期，请刷新后重新提交"),
        ({"direction": "sideways"}, "方向"),
    ],
)
def test_a_bad_scan_is_refused(world, gate, guard, overrides, message) -> None:
    before = snapshot()
    refused(guard.post(console_url("console_scan", gate), scan_data(world, **overrides)), message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("console_visitor", {"phone": "123"}, "手机"),
        ("console_visitor", {"name": ""}, "访客姓名"),
        ("console_vehicle", {"occupants": "abc"}, "人数"),
        ("console_vehicle", {"occupants": "0"}, "人数"),
        ("console_turn_back", {"reason": ""}, "劝返原因"),
    ],
)
def test_a_bad_staff_form_is_refused(
    world, gate, guard, name, data, message, vehicle_form, visitor_form, turn_back_form
) -> None:
    make = {
        "console_visitor": visitor_form,
        "console_vehicle": vehicle_form,
        "console_turn_back": turn_back_form,
    }[name]
    before = snapshot()
    refused(guard.post(console_url(name, gate), make(**data)), message)
    assert snapshot() == before


def test_a_row_s_quick_forms_say_what_is_missing(world, gate, guard, declared) -> None:
    before = snapshot()
    refused(guard.post(reverse("checkpoints:checkin_measure", args=[declared.pk]), {}), "体温")
    refused(
        guard.post(reverse("checkpoints:checkin_turn_back", args=[declared.pk]), {}),
        "请填写劝返原因",
    )
    assert snapshot() == before


@pytest.mark.parametrize("pk", ["999999", "9223372036854775808", "99999999999999999999999"])
@pytest.mark.parametrize(
    "name",
    [
        "checkin_confirm",
        "checkin_measure",
        "checkin_turn_back",
        "console_scan",
        "console_vehicle",
        "console_visitor",
        "console_turn_back",
    ],
)
def test_an_unknown_id_is_404(world, guard, declared, name, pk) -> None:
    before = snapshot()
    url = reverse(f"checkpoints:{name}", args=[1]).replace("/1/", f"/{pk}/")
    response = guard.post(url, {"temperature": "36.5", "reason": "发热"})
    assert response.status_code == 404
    assert snapshot() == before


def test_rows_and_posts_of_another_community_are_404(
    world, guard, vehicle_form, visitor_form, turn_back_form
) -> None:
    elsewhere = make_checkpoint(world.compound_b, "八一新苑北门")
    row = make_checkin(
        elsewhere,
        person=make_person(world.building_b),
        status="declared",
        source="self",
        result="g",
    )
    before = snapshot()
    for name in ("checkin_confirm", "checkin_measure", "checkin_turn_back"):
        url = reverse(f"checkpoints:{name}", args=[row.pk])
        assert guard.post(url, {"temperature": "36.5", "reason": "发热"}).status_code == 404
    for name, data in (
        ("console_scan", scan_data(world)),
        ("console_vehicle", vehicle_form()),
        ("console_visitor", visitor_form()),
        ("console_turn_back", turn_back_form()),
    ):
        assert guard.post(console_url(name, elsewhere), data).status_code == 404
    assert snapshot() == before
