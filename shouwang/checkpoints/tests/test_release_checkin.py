"""放行 of a red passage out on the post's console: staff let a person (or a vehicle)
out of a sealed area, or a red 出 waiting for them, on an authorised errand chosen from
a list (就医, 核酸/转运, 保供, 持证出入, 其他 with its text). The row becomes an 出 —
status 放行, 放行：<reason> at the head of its note — counted in 出, audited; bad input is
refused in Chinese with 400 and nothing written; a leader gets 403, staff of another
community 404."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouwang.accounts.models import AuditEvent
from shouwang.cases.tests.factories import make_key_area

from .. import tokens
from ..models import CheckIn
from .factories import make_checkin, make_checkpoint, make_pass, make_person, registration
from .test_resident import tap_data

pytestmark = pytest.mark.django_db
BATCH = "/api/v1/checkpoints/checkins"


@pytest.fixture
def gate(world):
    make_key_area(world.compound_a, level="sealed")
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    gate.staff.add(world.guard_a)
    return gate


@pytest.fixture
def sealed_exit(world, gate) -> CheckIn:
    """A resident's pass scanned going out of the sealed compound: turned back by the rule."""
    pass_ = make_pass(make_person(world.building_a, "王小明"))
    world.client("guard_a").post(
        reverse("checkpoints:console_scan", args=[gate.pk]),
        {
            "client_id": str(uuid.uuid4()),
            "token": tokens.phone_token(pass_.code),
            "direction": "out",
        },
    )
    row = CheckIn.objects.get()
    assert row.status == CheckIn.Status.TURNED_BACK
    return row


def release(client, row: CheckIn, reason: str = "hospital", other: str = ""):
    return client.post(
        reverse("checkpoints:checkin_release", args=[row.pk]), {"reason": reason, "other": other}
    )


def snapshot(row: CheckIn) -> tuple:
    row.refresh_from_db()
    return (row.status, row.result, row.note, row.recorded_by_id, row.confirmed_at)


def test_the_console_offers_放行_on_the_sealed_exit(world, gate, sealed_exit) -> None:
    page = world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))
    body = page.content.decode()
    assert reverse("checkpoints:checkin_release", args=[sealed_exit.pk]) in body
    assert "放行此人" in body
    for label in ("就医", "核酸/转运", "保供", "持证出入", "其他"):
        assert label in body


def test_it_records_an_authorised_exit(world, gate, sealed_exit) -> None:
    response = release(world.client("guard_a"), sealed_exit)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?last={sealed_exit.pk}")
    sealed_exit.refresh_from_db()
    assert sealed_exit.status == CheckIn.Status.RELEASED
    assert sealed_exit.direction == "out"
    assert sealed_exit.note == "放行：就医；所在区域封闭管理，不得外出"
    assert sealed_exit.confirmed_at is not None
    assert CheckIn.objects.count() == 1
    figures = CheckIn.objects.figures()
    assert (
        figures["people_out"],
        figures["people_released"],
        figures["people_turned_back"],
        figures["exits_pending"],
        figures["people_checked"],
    ) == (1, 1, 0, 0, 1)
    event = AuditEvent.objects.get(action=AuditEvent.Action.STATUS)
    assert event.user == world.guard_a
    assert event.object_id == str(sealed_exit.pk)
    assert "放行" in event.detail
    assert "就医" in event.detail
    shown = world.client("guard_a").get(response["Location"]).content.decode()
    assert "放行：就医" in shown
    # Let through, the row offers neither 放行 nor 劝返 again.
    assert reverse("checkpoints:checkin_release", args=[sealed_exit.pk]) not in shown
    assert reverse("checkpoints:checkin_turn_back", args=[sealed_exit.pk]) not in shown


def test_其他_takes_its_text(world, gate, sealed_exit) -> None:
    response = release(world.client("guard_a"), sealed_exit, "other", "  送孕妇待产 ")
    assert response.status_code == 302
    sealed_exit.refresh_from_db()
    assert sealed_exit.note.startswith("放行：其他（送孕妇待产）")


@pytest.mark.parametrize(
    ("reason", "other", "message"),
    [
        ("other", "", "放行原因选择“其他”时，请填写具体原因"),
        ("other", "   ", "放行原因选择“其他”时，请填写具体原因"),
        ("", "", "请选择放行原因"),
        ("vip", "", "请选择放行原因：就医、核酸/转运、保供、持证出入、其他"),
        ("other", "送医\n院", "其他原因含有控制字符"),
        ("other", "长" * 81, "其他原因最多填写80个字，请精简"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    world, gate, sealed_exit, reason, other, message
) -> None:
    before = snapshot(sealed_exit)
    response = release(world.client("guard_a"), sealed_exit, reason, other)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(sealed_exit) == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).exists()


def test_a_leader_gets_403(world, gate, sealed_exit) -> None:
    before = snapshot(sealed_exit)
    response = release(world.client("leader"), sealed_exit)
    assert response.status_code == 403
    assert snapshot(sealed_exit) == before


def test_staff_of_another_community_get_404(world, gate, sealed_exit) -> None:
    before = snapshot(sealed_exit)
    assert release(world.client("staff_b"), sealed_exit).status_code == 404
    assert snapshot(sealed_exit) == before


def test_a_green_exit_is_not_released(world, gate) -> None:
    row = make_checkin(gate, person=make_person(world.building_a), direction="out", result="g")
    before = snapshot(row)
    response = release(world.client("guard_a"), row)
    assert response.status_code == 400
    assert "只有红色的外出记录（尚未劝返或放行）可以放行" in response.content.decode()
    assert snapshot(row) == before


def test_a_red_passage_in_is_not_released(world, gate) -> None:
    row = make_checkin(gate, person=make_person(world.building_a), direction="in", result="r")
    assert release(world.client("guard_a"), row).status_code == 400


def test_a_person_staff_turned_back_stays_turned_back(world, gate) -> None:
    row = make_checkin(gate, person=make_person(world.building_a), direction="out", result="r")
    client = world.client("guard_a")
    client.post(reverse("checkpoints:checkin_turn_back", args=[row.pk]), {"reason": "发热"})
    before = snapshot(row)
    assert before[0] == CheckIn.Status.TURNED_BACK
    assert release(client, row).status_code == 400
    assert snapshot(row) == before


def test_releasing_twice_changes_nothing_more(world, gate, sealed_exit) -> None:
    client = world.client("guard_a")
    release(client, sealed_exit)
    first = snapshot(sealed_exit)
    assert release(client, sealed_exit, "supply").status_code == 302
    assert snapshot(sealed_exit) == first
    assert AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).count() == 1


def test_劝返_after_放行_changes_nothing(world, gate, sealed_exit) -> None:
    client = world.client("guard_a")
    release(client, sealed_exit)
    first = snapshot(sealed_exit)
    client.post(reverse("checkpoints:checkin_turn_back", args=[sealed_exit.pk]), {"reason": "x"})
    assert snapshot(sealed_exit) == first


def test_a_supply_van_leaving_is_released_as_保供(world, gate) -> None:
    client = world.client("guard_a")
    client.post(
        reverse("checkpoints:console_vehicle", args=[gate.pk]),
        {"client_id": str(uuid.uuid4()), "direction": "out", "plate": "豫A12345", "occupants": "2"},
    )
    van = CheckIn.objects.get()
    assert CheckIn.objects.figures()["exits_pending"] == 2
    assert CheckIn.objects.figures()["people_out"] == 0
    assert release(client, van, "supply").status_code == 302
    van.refresh_from_db()
    assert van.note.startswith("放行：保供")
    figures = CheckIn.objects.figures()
    assert (figures["people_out"], figures["people_released"], figures["exits_pending"]) == (
        2,
        2,
        0,
    )


def test_放行_kept_offline_uploads_once(world, gate, sealed_exit) -> None:
    item = {
        "client_id": str(uuid.uuid4()),
        "kind": "release",
        "checkpoint": gate.pk,
        "checkin": sealed_exit.pk,
        "direction": "out",
        "at": timezone.now().isoformat(),
        "reason": "permit",
    }
    client = world.client("guard_a")
    for _ in range(2):
        response = client.post(
            BATCH, json.dumps({"items": [item]}), content_type="application/json"
        )
        assert response.status_code == 200
        result = response.json()["results"][0]
        assert (result["ok"], result["updated"], result["status"]) == (True, True, "released")
    sealed_exit.refresh_from_db()
    assert sealed_exit.note.startswith("放行：持证出入")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).count() == 1


def test_放行_uploaded_without_其他_text_fails_alone(world, gate, sealed_exit) -> None:
    item = {
        "client_id": str(uuid.uuid4()),
        "kind": "release",
        "checkpoint": gate.pk,
        "checkin": sealed_exit.pk,
        "direction": "out",
        "reason": "other",
    }
    response = world.client("guard_a").post(
        BATCH, json.dumps({"items": [item]}), content_type="application/json"
    )
    result = response.json()["results"][0]
    assert not result["ok"]
    assert result["error"] == "放行原因选择“其他”时，请填写具体原因"
    sealed_exit.refresh_from_db()
    assert sealed_exit.status == CheckIn.Status.TURNED_BACK


def test_the_counts_export_lists_放行(world, gate, sealed_exit) -> None:
    release(world.client("guard_a"), sealed_exit)
    response = world.client("staff_a").get(reverse("checkpoints:counts_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    day = [r for r in rows if r[2] == "全天" and r[1] == gate.name][0]
    assert day[header.index("外出人数")] == 1
    assert day[header.index("其中放行人数")] == 1
    assert day[header.index("劝返人数")] == 0
    assert day[header.index("红色外出待处置")] == 0
    page = world.client("staff_a").get(reverse("checkpoints:counts")).content.decode()
    assert "其中放行人数" in page


def test_the_pass_scanned_after_放行_of_the_own_tap_adds_no_row(world, gate) -> None:
    """The resident tapped 出 (turned back by the sealed area's rule), staff let them
    out to hospital, then scan their pass: the same passage, one 出."""
    phone = Client()
    phone.post(reverse("checkin:register", args=[gate.code]), registration(world))
    phone.post(reverse("checkin:scan", args=[gate.code]), tap_data(direction="out"))
    own = CheckIn.objects.get(direction="out")
    client = world.client("guard_a")
    release(client, own)
    data = {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(own.pass_used.code),
        "direction": "out",
    }
    for _ in range(2):  # and the scan sent again
        response = client.post(reverse("checkpoints:console_scan", args=[gate.pk]), data)
        assert response["Location"].endswith(f"?last={own.pk}")
    assert CheckIn.objects.filter(direction="out").count() == 1
    shown = client.get(response["Location"]).content.decode()
    assert "已扫码申报，已放行（不重复登记）" in shown
    own.refresh_from_db()
    assert own.status == CheckIn.Status.RELEASED
    figures = CheckIn.objects.filter(direction="out").figures()
    assert (figures["people_out"], figures["people_turned_back"]) == (1, 0)
