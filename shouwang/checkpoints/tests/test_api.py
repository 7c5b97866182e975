"""Batch upload of offline check-ins: a result per item, retries stored once."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.utils import timezone

from shouwang.watch.models import Alert

from .. import tokens
from ..models import CheckIn
from .factories import make_checkin, make_checkpoint, make_pass, make_person

pytestmark = pytest.mark.django_db
URL = "/api/v1/checkpoints/checkins"


def post(client, items):
    return client.post(URL, json.dumps({"items": items}), content_type="application/json")


def test_it_stores_each_good_item_and_explains_each_bad_one(world) -> None:
    gate = make_checkpoint(world.compound_a)
    gate_b = make_checkpoint(world.compound_b)
    pass_ = make_pass(make_person(world.building_a))
    at = (timezone.now() - timedelta(hours=2)).isoformat()
    items = [
        {
            "client_id": str(uuid.uuid4()),
            "checkpoint": gate.pk,
            "direction": "in",
            "kind": "pass",
            "token": tokens.phone_token(pass_.code),
            "at": at,
        },
        {
            "client_id": str(uuid.uuid4()),
            "checkpoint": gate.pk,
            "direction": "in",
            "kind": "vehicle",
            "plate": "豫A54321",
            "occupants": 2,
            "temperature": "36.8",
        },
        {
            "client_id": str(uuid.uuid4()),
            "checkpoint": gate.pk,
            "direction": "in",
            "kind": "vehicle",
            "plate": "bad",
        },
        {
            "client_id": str(uuid.uuid4()),
            "checkpoint": gate.pk,
            "direction": "in",
            "kind": "pass",
            "token": "Pforged:abc:def",
        },
        {
            "client_id": str(uuid.uuid4()),
            "checkpoint": gate_b.pk,
            "direction": "in",
            "kind": "person",
        },
        {
            "client_id": str(uuid.uuid4()),
            "checkpoint": gate.pk,
            "direction": "out",
            "kind": "turn_back",
            "reason": "无通行证",
        },
        {
            "client_id": str(uuid.uuid4()),
            "checkpoint": gate.pk,
            "direction": "in",
            "kind": "person",
            "temperature": "39.0",
        },
    ]
    response = post(world.client("guard_a"), items)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["ok"] for r in body["results"]] == [True, True, False, False, False, True, True]
    assert (body["stored"], body["failed"], body["duplicates"]) == (4, 3, 0)
    assert "车牌" in body["results"][2]["error"]
    assert "签名" in body["results"][3]["error"]
    assert body["results"][6]["result"] == "r"
    assert CheckIn.objects.count() == 4
    first = CheckIn.objects.get(client_id=items[0]["client_id"])
    assert abs(first.at - datetime.fromisoformat(at)) < timedelta(seconds=1)


def test_a_vehicle_uploaded_without_a_plate_is_asked_for_its_plate(world) -> None:
    """Not "车牌号格式不正确": nothing was typed, so there is no typo to look for."""
    gate = make_checkpoint(world.compound_a)
    item = {"client_id": str(uuid.uuid4()), "checkpoint": gate.pk, "direction": "in"}
    response = post(world.client("guard_a"), [item | {"kind": "vehicle", "plate": " "}])
    assert response.status_code == 200
    (result,) = response.json()["results"]
    assert (result["ok"], result["error"]) == (False, "请填写车牌号")
    assert not CheckIn.objects.exists()


def test_resending_a_batch_stores_nothing_new(world) -> None:
    gate = make_checkpoint(world.compound_a)
    items = [
        {"client_id": str(uuid.uuid4()), "checkpoint": gate.pk, "direction": "in", "kind": "person"}
        for _ in range(3)
    ]
    client = world.client("guard_a")
    post(client, items)
    body = post(client, items).json()
    assert (body["stored"], body["duplicates"]) == (0, 3)
    assert CheckIn.objects.count() == 3


def test_a_group_turned_back_on_foot_counts_each_person(world) -> None:
    gate = make_checkpoint(world.compound_a)
    item = {"checkpoint": gate.pk, "direction": "in", "kind": "turn_back", "reason": "无事外出"}
    items = [
        {**item, "client_id": str(uuid.uuid4()), "occupants": 3},
        {**item, "client_id": str(uuid.uuid4())},
    ]
    response = post(world.client("guard_a"), items)
    assert response.json()["stored"] == 2
    assert CheckIn.objects.figures()["people_turned_back"] == 4


def test_an_implausible_time_is_refused(world) -> None:
    gate = make_checkpoint(world.compound_a)
    item = {
        "client_id": str(uuid.uuid4()),
        "checkpoint": gate.pk,
        "direction": "in",
        "kind": "person",
        "at": (timezone.now() + timedelta(days=1)).isoformat(),
    }
    body = post(world.client("guard_a"), [item]).json()
    assert not body["results"][0]["ok"]
    assert "时间" in body["results"][0]["error"]


@pytest.mark.parametrize(
    ("at", "sent_at"),
    [
        ("now", "9999-12-31T23:59:59+00:00"),  # corrected to before year 1
        ("9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"),  # … past 9999
    ],
)
def test_a_time_the_phone_s_clock_cannot_correct_is_refused(world, at, sent_at) -> None:
    """A phone clock so wrong that correcting an item's time leaves the calendar: the
    item is refused with the message of an implausible time, the others are stored
    (it was a 500 for the whole batch)."""
    gate = make_checkpoint(world.compound_a)
    item = {"checkpoint": gate.pk, "direction": "in", "kind": "person"}
    at = timezone.now().isoformat() if at == "now" else at
    items = [
        {**item, "client_id": str(uuid.uuid4()), "at": at},
        {**item, "client_id": str(uuid.uuid4())},
    ]
    response = world.client("guard_a").post(
        URL, json.dumps({"items": items, "sent_at": sent_at}), content_type="application/json"
    )
    assert response.status_code == 200
    bad, good = response.json()["results"]
    assert (bad["ok"], bad["error"]) == (False, "登记时间不合理（不能晚于现在，也不能早于7天前）")
    assert good["ok"]
    assert CheckIn.objects.get().client_id == uuid.UUID(good["client_id"])


@pytest.mark.parametrize(
    ("field", "label"), [("name", "姓名"), ("visiting", "拜访对象"), ("reason", "原因")]
)
def test_a_control_character_in_a_visitor_field_is_named(world, field: str, label: str) -> None:
    gate = make_checkpoint(world.compound_a)
    visitor = {"name": "王五", "phone": "13900001111", "visiting": "3号楼李四", "reason": "送药"}
    visitor[field] = visitor[field][:1] + "\x00" + visitor[field][1:]
    good = {"client_id": str(uuid.uuid4()), "checkpoint": gate.pk, "direction": "in"}
    bad = {**good, "client_id": str(uuid.uuid4()), "kind": "visitor", **visitor}
    body = post(world.client("guard_a"), [bad, {**good, "kind": "person"}]).json()
    assert body["results"][0]["error"] == f"{label}含有控制字符（如换行、空字符），请核对后重新填写"
    assert body["results"][1]["ok"]
    assert CheckIn.objects.count() == 1


def test_a_leader_cannot_upload(world) -> None:
    gate = make_checkpoint(world.compound_a)
    item = {
        "client_id": str(uuid.uuid4()),
        "checkpoint": gate.pk,
        "direction": "in",
        "kind": "person",
    }
    assert post(world.client("leader"), [item]).status_code == 403
    assert not CheckIn.objects.exists()


def test_malformed_json_is_a_4xx_in_chinese_not_a_500(world) -> None:
    response = world.client("guard_a").post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON"}


def test_the_api_is_in_the_openapi_document(world) -> None:
    schema = world.client("anonymous").get("/api/v1/openapi.json").json()
    assert "/api/v1/checkpoints/checkins" in schema["paths"]


def test_a_rows_confirmation_and_temperature_made_offline_are_applied(world) -> None:
    gate = make_checkpoint(world.compound_a)
    declared = make_checkin(gate, status="declared")
    confirmed = make_checkin(gate, status="confirmed")
    items = [
        {"client_id": str(uuid.uuid4()), "checkpoint": gate.pk, "direction": "in",
         "kind": "confirm", "checkin": declared.pk, "temperature": "36.6"},
        {"client_id": str(uuid.uuid4()), "checkpoint": gate.pk, "direction": "in",
         "kind": "measure", "checkin": confirmed.pk, "temperature": "38.2"},
    ]  # fmt: skip
    client = world.client("guard_a")
    body = post(client, items).json()
    assert (body["stored"], body["updated"], body["failed"]) == (0, 2, 0)
    assert [r["id"] for r in body["results"]] == [declared.pk, confirmed.pk]
    declared.refresh_from_db()
    confirmed.refresh_from_db()
    assert (declared.status, str(declared.temperature)) == ("confirmed", "36.6")
    assert (str(confirmed.temperature), confirmed.result) == ("38.2", "r")
    assert Alert.objects.filter(kind=Alert.Kind.FEVER).count() == 1
    again = post(client, items).json()  # re-sent: the same values, no second alert
    assert (again["updated"], again["failed"]) == (2, 0)
    assert Alert.objects.filter(kind=Alert.Kind.FEVER).count() == 1


def test_a_row_update_is_refused_with_a_reason_and_changes_nothing(world) -> None:
    gate = make_checkpoint(world.compound_a)
    other_gate = make_checkpoint(world.compound_a, "西门")
    declared = make_checkin(gate, status="declared")
    gate_b = make_checkpoint(world.compound_b)
    row_b = make_checkin(gate_b, status="declared")
    base = {"checkpoint": gate.pk, "direction": "in"}
    cases = [
        ({"kind": "confirm", "checkin": declared.pk, "temperature": "50"}, "体温应在30到45℃之间"),
        ({"kind": "measure", "checkin": declared.pk}, "请填写体温"),
        ({"kind": "confirm"}, "请指明通行记录"),
        ({"kind": "confirm", "checkin": row_b.pk}, "没有这条通行记录，或无权处理"),
        ({"kind": "confirm", "checkin": declared.pk, "checkpoint": other_gate.pk}, "不属于此卡点"),
    ]
    items = [{**base, "client_id": str(uuid.uuid4()), **fields} for fields, _ in cases]
    body = post(world.client("guard_a"), items).json()
    assert body["failed"] == len(cases)
    for result, (_, message) in zip(body["results"], cases, strict=True):
        assert message in result["error"]
    declared.refresh_from_db()
    assert (declared.status, declared.temperature) == ("declared", None)


def _drawn_ago(monkeypatch, code: str, seconds: int) -> str:
    drawn = time.time() - seconds
    with monkeypatch.context() as m:
        m.setattr(signing.time, "time", lambda: drawn)
        return tokens.phone_token(code)


def _scan_item(gate, token: str, at: datetime) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "checkpoint": gate.pk,
        "direction": "in",
        "kind": "pass",
        "token": token,
        "at": at.isoformat(),
    }


def test_a_pass_scanned_without_signal_is_checked_as_of_the_scan(world, monkeypatch) -> None:
    """The post had no signal for ten minutes: the QR was fresh when it was scanned."""
    gate = make_checkpoint(world.compound_a)
    pass_ = make_pass(make_person(world.building_a, "钱居民"))
    token = _drawn_ago(monkeypatch, pass_.code, 600)
    scanned = timezone.now() - timedelta(seconds=590)
    body = post(world.client("guard_a"), [_scan_item(gate, token, scanned)]).json()
    assert body["results"][0]["ok"], body
    row = CheckIn.objects.get()
    assert (row.person, row.at) == (pass_.person, scanned)


def test_a_stale_pass_scanned_without_signal_is_still_refused(world, monkeypatch) -> None:
    gate = make_checkpoint(world.compound_a)
    pass_ = make_pass(make_person(world.building_a))
    token = _drawn_ago(monkeypatch, pass_.code, 600)  # a screenshot, scanned 5 minutes later
    scanned = timezone.now() - timedelta(seconds=300)
    body = post(world.client("guard_a"), [_scan_item(gate, token, scanned)]).json()
    assert "已过期" in body["results"][0]["error"]
    assert not CheckIn.objects.exists()


def test_a_card_scanned_on_its_last_day_is_taken_when_uploaded_the_next(world) -> None:
    """A card valid until yesterday, scanned at 23:50 without signal and uploaded after
    midnight: it was valid at the post, so the passage is stored, not refused."""
    gate = make_checkpoint(world.compound_a)
    yesterday = timezone.localdate() - timedelta(days=1)
    card = make_pass(make_person(world.building_a, "钱老人"), kind="card", valid_until=yesterday)
    token = tokens.card_token(card.code)
    scanned = timezone.make_aware(datetime(yesterday.year, yesterday.month, yesterday.day, 23, 50))
    body = post(world.client("guard_a"), [_scan_item(gate, token, scanned)]).json()
    assert body["results"][0]["ok"], body
    assert CheckIn.objects.get().person == card.person
    late = post(world.client("guard_a"), [_scan_item(gate, token, timezone.now())]).json()
    assert "已过有效期" in late["results"][0]["error"]


def test_a_phone_clock_set_wrong_is_corrected(world) -> None:
    """A phone three hours fast (or a week slow) recorded passages offline: each is
    stored at the true time, from the phone's clock at sending."""
    gate = make_checkpoint(world.compound_a)
    now = timezone.now()
    items = []
    for off in (timedelta(hours=3), -timedelta(days=8)):
        items.append(
            {
                "client_id": str(uuid.uuid4()),
                "checkpoint": gate.pk,
                "direction": "in",
                "kind": "person",
                "at": (now + off - timedelta(minutes=10)).isoformat(),
            }
        )
        body = world.client("guard_a").post(
            URL,
            json.dumps({"items": items[-1:], "sent_at": (now + off).isoformat()}),
            content_type="application/json",
        )
        assert body.json()["results"][0]["ok"], body.json()
    for row in CheckIn.objects.all():
        assert abs(row.at - (now - timedelta(minutes=10))) < timedelta(seconds=5)


@pytest.mark.parametrize("kind", ["person", "measure"])
def test_a_temperature_with_two_decimals_is_refused_not_rounded(world, kind: str) -> None:
    # 37.26 would be judged below the fever line and stored as 37.3: green with a fever.
    gate = make_checkpoint(world.compound_a)
    row = make_checkin(gate, status="confirmed")
    item = {"client_id": str(uuid.uuid4()), "checkpoint": gate.pk, "direction": "in",
            "kind": kind, "checkin": row.pk, "temperature": "37.26"}  # fmt: skip
    body = post(world.client("guard_a"), [item, {**item, "client_id": str(uuid.uuid4()),
                                                 "temperature": "37.30"}]).json()  # fmt: skip
    assert [r["error"] for r in body["results"]] == ["体温请填一位小数，如 36.5", ""]
    assert [r["result"] for r in body["results"]] == [None, "r"]
    assert list(CheckIn.objects.values_list("temperature", flat=True).order_by("pk")) == (
        [Decimal("37.3")] if kind == "measure" else [None, Decimal("37.3")]
    )


def test_an_outing_recorded_offline_counts_against_its_own_days_quota(world) -> None:
    """Yesterday's passages uploaded today are judged on yesterday's outings: today's
    outing does not make them red, and the second of yesterday's does."""
    from ..actions import clear_rule_cache
    from ..models import PassRule

    PassRule.objects.create(area=world.compound_a, outing_quota=1)
    clear_rule_cache()
    gate = make_checkpoint(world.compound_a)
    mother = make_person(world.building_a, "钱母亲", room="801")
    son = make_person(world.building_a, "钱儿子", room="801")
    make_checkin(gate, person=mother, direction=CheckIn.Direction.OUT)
    yesterday = timezone.localdate() - timedelta(days=1)
    morning = timezone.make_aware(datetime(yesterday.year, yesterday.month, yesterday.day, 10))
    items = [
        {
            **_scan_item(gate, tokens.card_token(make_pass(who, kind="card").code), at),
            "direction": "out",
        }
        for who, at in ((son, morning), (mother, morning + timedelta(hours=1)))
    ]
    body = post(world.client("guard_a"), items).json()
    assert [r["result"] for r in body["results"]] == ["g", "r"], body
    assert Alert.objects.filter(kind=Alert.Kind.QUOTA).count() == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"occupants": 0}, "occupants：不能小于 1"),
        ({"direction": "up"}, "direction：应为以下之一"),
        ({"temperature": "abc"}, "temperature：应为数字"),
        ({"reason": "长" * 101}, "reason：过长（最多 100 个字符）"),
        ({"checkpoint": "东门"}, "checkpoint：应为整数"),
        ({"client_id": "not-a-uuid"}, "client_id：应为 UUID 格式的编号"),
    ],
)
def test_an_item_of_the_wrong_shape_fails_alone(world, bad: dict, message: str) -> None:
    gate = make_checkpoint(world.compound_a)
    vehicle = {"checkpoint": gate.pk, "direction": "in", "kind": "vehicle", "plate": "豫A54321"}
    good = {"client_id": str(uuid.uuid4()), **vehicle}
    wrong = {"client_id": str(uuid.uuid4()), **vehicle, **bad}
    response = post(world.client("guard_a"), [wrong, good])
    assert response.status_code == 200
    body = response.json()
    assert (body["stored"], body["failed"]) == (1, 1)
    refused, stored = body["results"]
    assert (refused["client_id"], refused["ok"]) == (str(wrong["client_id"]), False)
    assert message in refused["error"]
    assert (stored["client_id"], stored["ok"]) == (good["client_id"], True)
    assert list(CheckIn.objects.values_list("client_id", flat=True)) == [
        uuid.UUID(good["client_id"])
    ]


def test_an_item_that_is_not_an_object_fails_alone(world) -> None:
    gate = make_checkpoint(world.compound_a)
    good = {"client_id": str(uuid.uuid4()), "checkpoint": gate.pk, "direction": "in",
            "kind": "vehicle", "plate": "豫A54321"}  # fmt: skip
    body = post(world.client("guard_a"), ["豫A54321", good]).json()
    assert (body["stored"], body["failed"]) == (1, 1)
    assert body["results"][0] == {**body["results"][0], "client_id": "", "ok": False}
    assert "应为对象" in body["results"][0]["error"]
    assert CheckIn.objects.get().plate == "豫A54321"


def test_the_openapi_document_describes_a_batch_item(world) -> None:
    schema = world.client("anonymous").get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/checkpoints/checkins"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    item = schema["components"]["schemas"][ref]["properties"]["items"]["items"]
    assert {"client_id", "checkpoint", "direction", "kind", "occupants"} <= set(item["properties"])
    assert item["properties"]["occupants"]["anyOf"][0]["minimum"] == 1
