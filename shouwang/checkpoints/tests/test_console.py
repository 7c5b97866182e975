"""Staff at the post: scan passes, confirm self-scans, measure, vehicles, visitors,
turning back — every write idempotent by its client id."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shouwang.watch.models import Alert

from .. import tokens
from ..models import CheckIn, Visit
from .factories import make_checkin, make_checkpoint, make_pass, make_person, observe

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园北门")


def scan(client, gate, token: str, **extra):
    data = {"client_id": str(uuid.uuid4()), "token": token, "direction": "in", **extra}
    return client.post(reverse("checkpoints:console_scan", args=[gate.pk]), data)


def test_the_console_lists_the_post(world, gate, django_assert_max_num_queries) -> None:
    for _ in range(5):
        make_checkin(gate, person=make_person(world.building_a))
    client = world.client("guard_a")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("checkpoints:console_post", args=[gate.pk]))
    assert response.status_code == 200
    assert "扫出入证" in response.content.decode()
    rows = client.get(reverse("checkpoints:console_post", args=[gate.pk]), HTTP_HX_REQUEST="true")
    assert rows.content.decode().count('class="row') == 5


def test_a_guard_of_a_cannot_open_a_post_of_b(world) -> None:
    post_b = make_checkpoint(world.compound_b)
    response = world.client("guard_a").get(reverse("checkpoints:console_post", args=[post_b.pk]))
    assert response.status_code == 404


def test_it_accepts_a_fresh_phone_pass(world, gate) -> None:
    person = make_person(world.building_a)
    pass_ = make_pass(person)
    response = scan(world.client("guard_a"), gate, tokens.phone_token(pass_.code))
    assert response.status_code == 302
    row = CheckIn.objects.get()
    assert (row.person, row.status, row.source, row.result) == (person, "confirmed", "pass", "g")
    assert row.recorded_by == world.guard_a


def test_it_accepts_a_printed_card(world, gate) -> None:
    card = make_pass(make_person(world.building_a), kind="card")
    assert scan(world.client("guard_a"), gate, tokens.card_token(card.code)).status_code == 302
    assert CheckIn.objects.get().pass_used == card


@pytest.mark.parametrize(
    ("make_token", "message"),
    [
        (lambda p: "P" + p.code + ":1abcde:forgedsignature", "签名不符"),
        (lambda p: tokens.phone_token(p.code)[:-3] + "AAA", "签名不符"),
        (lambda p: "P" + "x" * 16 + tokens.phone_token(p.code)[17:], "签名不符"),
        (lambda p: tokens.card_token(p.code).replace("C", "P", 1), "签名不符"),
        (lambda p: "https://example.com/some-other-qr", "不是本系统"),
        (
            lambda p: signing.TimestampSigner(salt="another-salt").sign("P" + p.code),
            "签名不符",
        ),
    ],
)
def test_it_rejects_forged_and_altered_passes(world, gate, make_token, message) -> None:
    pass_ = make_pass(make_person(world.building_a))
    response = scan(world.client("guard_a"), gate, make_token(pass_))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_rejects_an_expired_phone_pass(world, gate, monkeypatch) -> None:
    pass_ = make_pass(make_person(world.building_a))
    old = tokens.phone_token(pass_.code)
    monkeypatch.setattr(tokens, "PHONE_TOKEN_SECONDS", -1)
    response = scan(world.client("guard_a"), gate, old)
    assert response.status_code == 400
    assert "已过期" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_rejects_a_revoked_card(world, gate) -> None:
    card = make_pass(make_person(world.building_a), kind="card")
    world.client("staff_a").post(reverse("checkpoints:pass_revoke", args=[card.pk]))
    response = scan(world.client("guard_a"), gate, tokens.card_token(card.code))
    assert response.status_code == 400
    assert "吊销" in response.content.decode()


def test_a_valid_pass_of_a_person_under_observation_is_red(world, gate) -> None:
    person = make_person(world.building_a)
    observe(person)
    pass_ = make_pass(person)
    scan(world.client("guard_a"), gate, tokens.phone_token(pass_.code))
    assert CheckIn.objects.get().result == "r"
    assert Alert.objects.filter(kind="observed_checkin", person=person).count() == 1


def test_confirming_a_self_scan_with_a_fever_alerts_the_community(world, declared) -> None:
    row = declared
    client = world.client("guard_a")
    response = client.post(
        reverse("checkpoints:checkin_confirm", args=[row.pk]), {"temperature": "38.1"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.result, str(row.temperature)) == ("confirmed", "r", "38.1")
    alert = Alert.objects.get(kind="fever")
    assert alert.area == world.community_a
    client.post(reverse("checkpoints:checkin_confirm", args=[row.pk]), {"temperature": "38.1"})
    assert Alert.objects.filter(kind="fever").count() == 1, "once per check-in"


def test_confirming_with_a_temperature_writes_the_row_once(world, declared) -> None:
    row = declared
    client = world.client("guard_a")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            reverse("checkpoints:checkin_confirm", args=[row.pk]), {"temperature": "36.6"}
        )
    assert response.status_code == 302
    row_writes = 'UPDATE "checkpoints_checkin"'
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(row_writes)]
    assert len(writes) == 1, writes
    row.refresh_from_db()
    assert (row.status, str(row.temperature), row.recorded_by) == (
        "confirmed",
        "36.6",
        world.guard_a,
    )


def test_a_row_older_than_the_console_s_hours_is_still_found_from_a_page_left_open(
    world, gate
) -> None:
    at = timezone.now() - timedelta(hours=5)
    row = make_checkin(
        gate, person=make_person(world.building_a), status="declared", source="self", at=at
    )
    response = world.client("guard_a").post(
        reverse("checkpoints:checkin_confirm", args=[row.pk]), {"temperature": "36.5"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, str(row.temperature)) == ("confirmed", "36.5")
    other_post = make_checkin(make_checkpoint(world.compound_b), at=at)
    outside = world.client("guard_a").post(
        reverse("checkpoints:checkin_measure", args=[other_post.pk]), {"temperature": "36.5"}
    )
    assert outside.status_code == 404


def test_measuring_a_normal_temperature_keeps_green(world, gate) -> None:
    row = make_checkin(gate, person=make_person(world.building_a))
    world.client("guard_a").post(
        reverse("checkpoints:checkin_measure", args=[row.pk]), {"temperature": "36.6"}
    )
    row.refresh_from_db()
    assert (row.result, str(row.temperature)) == ("g", "36.6")
    assert not Alert.objects.exists()


def test_it_registers_a_vehicle_once_per_client_id(world, gate) -> None:
    client = world.client("guard_a")
    data = {
        "client_id": str(uuid.uuid4()),
        "plate": "豫a 12345",
        "occupants": "3",
        "direction": "in",
    }
    for _ in range(2):
        assert (
            client.post(reverse("checkpoints:console_vehicle", args=[gate.pk]), data).status_code
            == 302
        )
    row = CheckIn.objects.get()
    assert (row.subject, row.plate, row.occupants) == ("v", "豫A12345", 3)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("豫a 123 45", "豫A12345"),
        ("豫Ａ１２３４５", "豫A12345"),  # a Chinese keyboard in full-width mode
        ("豫A·D12345", "豫AD12345"),  # 新能源, eight characters
        ("豫A12345F", "豫A12345F"),
        ("使 014 578", "使014578"),
        ("沪A0123领", "沪A0123领"),
        ("京A0123警", "京A0123警"),
        ("豫A1234学", "豫A1234学"),
        ("京A1234应急", "京A1234应急"),
        ("WJ京12345", "WJ京12345"),
        ("豫A1234O", "豫A12340"),  # no letter O on a plate: the digit 0
    ],
)
def test_it_takes_a_plate_as_typed_at_the_gate(world, gate, typed: str, stored: str) -> None:
    data = {"client_id": str(uuid.uuid4()), "plate": typed, "occupants": "1", "direction": "in"}
    response = world.client("guard_a").post(
        reverse("checkpoints:console_vehicle", args=[gate.pk]), data
    )
    assert response.status_code == 302
    assert CheckIn.objects.get().plate == stored


def test_it_turns_back_an_embassy_car(world, gate, turn_back_form) -> None:
    data = turn_back_form(subject="v", plate="使０１４５７８", occupants="2", reason="非必要出行")
    response = world.client("guard_a").post(
        reverse("checkpoints:console_turn_back", args=[gate.pk]), data
    )
    assert response.status_code == 302
    row = CheckIn.objects.get()
    assert (row.status, row.plate, row.occupants) == ("turned_back", "使014578", 2)


def test_a_bad_plate_is_explained(world, gate) -> None:
    client = world.client("guard_a")
    data = {"client_id": str(uuid.uuid4()), "plate": "12345", "occupants": "1", "direction": "in"}
    response = client.post(reverse("checkpoints:console_vehicle", args=[gate.pk]), data)
    assert response.status_code == 400
    assert "车牌号格式不正确" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_vehicle_turned_back_without_a_plate_is_asked_for_its_plate(
    world, gate, turn_back_form
) -> None:
    """An empty plate is not a badly typed one: "车牌号格式不正确" sent staff looking
    for a typo in a box they had left empty."""
    data = turn_back_form(subject="v", occupants="2", reason="外地车辆")
    response = world.client("guard_a").post(
        reverse("checkpoints:console_turn_back", args=[gate.pk]), data
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "劝返车辆请填写车牌号" in page
    assert "车牌号格式不正确" not in page
    assert not CheckIn.objects.exists()


def test_it_registers_a_visitor(world, gate, visitor_form) -> None:
    data = visitor_form()
    client = world.client("guard_a")
    assert (
        client.post(reverse("checkpoints:console_visitor", args=[gate.pk]), data).status_code == 302
    )
    visit = Visit.objects.get()
    assert visit.phone_masked == "137****1111"
    assert visit.checkin.visitor
    assert visit.checkin.result == "g", "registered by staff under the default rule"


def test_a_feverish_visitor_s_alert_names_the_visitor(world, gate, visitor_form) -> None:
    """Staff registered the visitor's name at the post: the fever alert said
    未登记人员, sending the community looking for someone nobody had written down."""
    data = visitor_form()
    client = world.client("guard_a")
    url = reverse("checkpoints:console_visitor", args=[gate.pk])
    assert client.post(url, data | {"temperature": "38.2"}).status_code == 302
    alert = Alert.objects.get(kind=Alert.Kind.FEVER)
    assert "访客孙**" in alert.title
    assert "未登记人员" not in alert.title
    # Measured after the registration, on the row's quick form.
    assert client.post(url, data | {"client_id": str(uuid.uuid4())}).status_code == 302
    row = CheckIn.objects.filter(temperature__isnull=True).get()
    response = client.post(
        reverse("checkpoints:checkin_measure", args=[row.pk]), {"temperature": "38.5"}
    )
    assert response.status_code == 302
    titles = list(Alert.objects.filter(kind=Alert.Kind.FEVER).values_list("title", flat=True))
    assert len(titles) == 2
    assert all("访客孙**" in t and "未登记人员" not in t for t in titles)


def test_the_console_names_the_visitor_it_registered(world, gate, visitor_form) -> None:
    """The verdict and the list name the visitor staff just typed in (they said 人员)."""
    data = visitor_form()
    client = world.client("guard_a")
    response = client.post(reverse("checkpoints:console_visitor", args=[gate.pk]), data)
    page = client.get(response["Location"]).content.decode()
    assert "访客孙访客 · 进 · 值守已确认" in page, "the verdict names the visitor"
    rows = client.get(reverse("checkpoints:console_post", args=[gate.pk]), HTTP_HX_REQUEST="true")
    assert "访客孙访客" in rows.content.decode()
    assert "人员 ·" not in rows.content.decode()


def test_it_records_turned_back_people_and_vehicles(world, gate) -> None:
    client = world.client("guard_a")
    url = reverse("checkpoints:console_turn_back", args=[gate.pk])
    client.post(
        url,
        {
            "client_id": str(uuid.uuid4()),
            "subject": "p",
            "occupants": "3",
            "reason": "无事外出",
            "direction": "out",
        },
    )
    client.post(
        url,
        {
            "client_id": str(uuid.uuid4()),
            "subject": "v",
            "plate": "豫B88888",
            "occupants": "4",
            "reason": "外地车辆",
            "direction": "in",
        },
    )
    rows = CheckIn.objects.order_by("pk")
    assert [(r.subject, r.status, r.occupants) for r in rows] == [
        ("p", "turned_back", 3),
        ("v", "turned_back", 4),
    ]
    assert "外地车辆" in rows[1].note
    # Three people on foot typed as 人数 3 are three people turned back (they were one).
    figures = CheckIn.objects.figures()
    assert (figures["people_turned_back"], figures["vehicles_turned_back"]) == (7, 1)


def test_a_turn_back_needs_a_reason(world, gate) -> None:
    url = reverse("checkpoints:console_turn_back", args=[gate.pk])
    response = world.client("guard_a").post(
        url, {"client_id": str(uuid.uuid4()), "subject": "p", "occupants": "1", "direction": "out"}
    )
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_a_leader_cannot_write_at_a_post(world, gate) -> None:
    response = world.client("leader").post(
        reverse("checkpoints:console_vehicle", args=[gate.pk]),
        {"client_id": str(uuid.uuid4()), "plate": "豫A12345", "occupants": "1", "direction": "in"},
    )
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_an_in_only_post_refuses_out(world) -> None:
    gate = make_checkpoint(world.compound_a, "只进门", directions="in")
    pass_ = make_pass(make_person(world.building_a))
    response = scan(world.client("guard_a"), gate, tokens.phone_token(pass_.code), direction="out")
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_each_form_on_the_console_has_its_own_client_id(world, gate) -> None:
    import re

    page = world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))
    ids = re.findall(r'name="client_id" value="([^"]+)"', page.content.decode())
    assert len(ids) == 4
    assert len(set(ids)) == 4


def test_each_field_on_the_console_has_its_own_html_id(world, gate) -> None:
    import re

    page = world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))
    html = page.content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "a label of one form would point at another form's field"
    for target in re.findall(r'<label for="([^"]+)"', html):
        assert target in ids


@pytest.mark.parametrize("view", ["checkin_confirm", "checkin_measure"])
def test_a_bad_temperature_is_explained_and_changes_nothing(world, gate, view) -> None:
    status = "declared" if view == "checkin_confirm" else "confirmed"
    row = make_checkin(gate, person=make_person(world.building_a), status=status, source="self")
    response = world.client("guard_a").post(
        reverse(f"checkpoints:{view}", args=[row.pk]), {"temperature": "abc"}
    )
    assert response.status_code == 400
    assert "体温请填数字" in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.temperature) == (status, None)


def test_a_sealed_key_area_stops_its_residents_going_out(world, gate) -> None:
    from django.utils import timezone

    from shouwang.cases.actions import mark_key_area

    mark_key_area(
        area=world.compound_a,
        level="sealed",
        reason="出现确诊病例",
        start_date=timezone.localdate(),
        by=world.hq,
    )
    resident = make_pass(make_person(world.building_a))
    outsider = make_pass(make_person(world.building_b, room="301"))
    client = world.client("guard_a")
    scan(client, gate, tokens.phone_token(resident.code), direction="out")
    scan(client, gate, tokens.phone_token(outsider.code), direction="in")
    results = dict(CheckIn.objects.values_list("person_id", "result"))
    assert results[resident.person_id] == "r"
    assert results[outsider.person_id] == "g"
    assert "封闭管理" in CheckIn.objects.get(person=resident.person).note


@pytest.mark.parametrize("last", ["²", "①", "x", "99999999999999999999"])
def test_a_tampered_last_row_shows_the_console_without_a_verdict(world, gate, last) -> None:
    response = world.client("guard_a").get(
        reverse("checkpoints:console_post", args=[gate.pk]), {"last": last}
    )
    assert response.status_code == 200
    assert response.context["last"] is None


def test_an_alert_names_the_person_by_family_name_only(world, gate) -> None:
    # Alerts go to the whole community, HQ and the wall screen: like the follow-up
    # alerts, they carry the family name only (the record is one click away).
    guard = world.client("guard_a")
    observed = make_person(world.building_a, "欧阳明辉", room="201")
    observe(observed)
    scan(guard, gate, tokens.phone_token(make_pass(observed).code))
    feverish = make_checkin(
        gate, person=make_person(world.building_a, "司马云飞"), status="declared", source="self"
    )
    guard.post(reverse("checkpoints:checkin_confirm", args=[feverish.pk]), {"temperature": "38.4"})
    assert set(Alert.objects.values_list("kind", flat=True)) == {"observed_checkin", "fever"}
    texts = [f"{a.title} {a.detail}" for a in Alert.objects.all()]
    texts.append(world.client("hq").get(reverse("dashboard:wall")).content.decode())
    for text in texts:
        assert "欧阳明辉" not in text
        assert "司马云飞" not in text
    titles = " ".join(Alert.objects.values_list("title", flat=True))
    assert "欧***" in titles
    assert "司***" in titles


@pytest.mark.parametrize(
    ("view", "data"),
    [
        ("console_scan", {"token": "P123"}),
        ("console_vehicle", {"plate": "豫A12345", "occupants": "1"}),
        (
            "console_visitor",
            {"name": "访客", "phone": "13912345678", "visiting": "王", "reason": "探亲"},
        ),
        ("console_turn_back", {"subject": "p", "occupants": "1", "reason": "非本小区"}),
    ],
)
@pytest.mark.parametrize(
    ("client_id", "message"), [("", "页面缺少登记编号，请刷新"), ("abc", "页面已过期，请刷新")]
)
def test_a_form_without_its_client_id_says_to_reload(
    world, gate, view, data, client_id, message
) -> None:
    """The client id is a hidden field: its error is said above the form, in Chinese
    (it was dropped: a 400 with no message at all, or Django's 请输入有效UUID)."""
    url = reverse(f"checkpoints:{view}", args=[gate.pk])
    response = world.client("guard_a").post(
        url, {"client_id": client_id, "direction": "in", **data}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "UUID" not in body
    assert not CheckIn.objects.exists()
