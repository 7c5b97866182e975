"""The phone's JSON API: today's sheet and offline follow-ups sent in a batch."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shouwang.accounts.models import AuditEvent
from shouwang.areas.tests.factories import child
from shouwang.watch import actions, api
from shouwang.watch.models import Alert, FollowUp, KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db
SHEET = "/api/v1/watch/today"  # GET: the day's follow-up sheet (今日随访)
UPLOAD = "/api/v1/watch/followups"


def item(record, clock, **fields) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "key_person": record.pk,
        "day": clock.today.isoformat(),
        "slot": 1,
        "method": "phone",
        **fields,
    }


def post(client, items):
    return client.post(UPLOAD, json.dumps({"items": items}), content_type="application/json")


def test_both_routes_need_a_signed_in_user(world, clock, record) -> None:
    anonymous = world.client("anonymous")
    assert anonymous.get(SHEET).status_code == 401
    assert post(anonymous, [item(record, clock)]).status_code == 401
    assert not FollowUp.objects.exists()


def test_a_write_without_the_csrf_token_is_refused(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.grid_worker_a)
    assert post(client, [item(record, clock)]).status_code == 403
    assert not FollowUp.objects.exists()
    client.get(reverse("watch:today"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        UPLOAD,
        json.dumps({"items": [item(record, clock)]}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.json()["stored"] == 1


@pytest.mark.parametrize("persona", ["guard_a", "leader", "auditor"])
def test_roles_without_follow_up_work_are_refused_and_audited(
    world, clock, record, persona
) -> None:
    client = world.client(persona)
    assert client.get(SHEET).status_code == 403
    response = post(client, [item(record, clock)])
    assert response.status_code == 403
    assert "随访权限" in response.json()["detail"]
    assert not FollowUp.objects.exists()
    denied = AuditEvent.objects.filter(user=world.user(persona), action=AuditEvent.Action.DENIED)
    assert denied.count() == 2


def test_today_is_the_workers_own_sheet_with_masked_details(world, clock, record) -> None:
    other = f.key_person(child(child(world.community_a, "东区"), "9号楼"), "别人的")
    f.key_person(world.building_b, "不在我辖区")
    clock.set(clock.today, 10, 30)
    response = world.client("grid_a").get(SHEET)
    assert response.status_code == 200
    body = response.json()
    assert body["mine"] is True
    assert body["day"] == clock.today.isoformat()
    assert [c["key_person"] for c in body["cards"]] == [record.pk]
    card = body["cards"][0]
    assert card["name"] == "张三丰"
    assert card["day_number"] == 1
    assert card["phone_masked"] == "139****5678"
    assert card["call_url"] == reverse("watch:call", args=[record.pk])
    assert card["pending"] is True
    assert [(s["label"], s["state"]) for s in card["slots"]] == [
        ("上午", "open"),
        ("下午", "upcoming"),
    ]
    assert body["total"] == {"due": 2, "done": 0, "overdue": 0}
    assert [m["value"] for m in body["methods"]] == ["phone", "visit"]
    text = response.content.decode()
    assert record.person.phone not in text
    assert record.person.document_number not in text

    everyone = world.client("grid_a").get(SHEET, {"all": "true"}).json()
    assert {c["key_person"] for c in everyone["cards"]} == {record.pk, other.pk}
    assert everyone["mine"] is False
    staff_b = world.client("staff_b").get(SHEET).json()
    assert "张三丰" not in json.dumps(staff_b, ensure_ascii=False)


def test_a_record_starting_later_has_no_day_number_yet(world, clock, record) -> None:
    later = f.key_person(world.building_a, "李四", start=clock.today + timedelta(days=2))
    clock.set(clock.today, 10, 30)
    cards = world.client("grid_a").get(SHEET).json()["cards"]
    by_record = {c["key_person"]: c for c in cards}
    assert by_record[record.pk]["day_number"] == 1
    assert by_record[record.pk]["start_date"] == clock.today.isoformat()
    assert by_record[later.pk]["day_number"] is None
    assert by_record[later.pk]["start_date"] == (clock.today + timedelta(days=2)).isoformat()


def test_today_shows_what_is_already_recorded_and_what_is_overdue(world, clock, record) -> None:
    clock.set(clock.today, 10, 0)
    post(world.client("grid_a"), [item(record, clock, temperature="37.9")])
    clock.set(clock.today, 20, 30)
    card = world.client("grid_a").get(SHEET).json()["cards"][0]
    morning, afternoon = card["slots"]
    assert morning["state"] == "done"
    assert morning["followup"]["method"] == "phone"
    assert morning["followup"]["abnormal"] is True
    assert morning["followup"]["temperature"] == "37.9"
    assert afternoon["state"] == "overdue"
    assert afternoon["followup"] is None
    assert card["progress"] == {"due": 2, "done": 1, "overdue": 1}


def test_today_reads_in_bounded_queries(
    world, clock, record, django_assert_max_num_queries
) -> None:
    for i in range(8):
        f.key_person(world.building_a2, f"王{i}")
    clock.set(clock.today, 10, 30)
    client = world.client("grid_a")
    post(client, [item(record, clock)])
    # a fixed few, whatever the records (one reads 未联系上, one 疑似失联, one the
    # records ended since yesterday)
    with django_assert_max_num_queries(11):
        body = client.get(SHEET).json()
    assert body["count"] == 9
    # Who still needs a follow-up comes first, as on the phone page.
    assert body["cards"][-1]["key_person"] == record.pk


def test_it_stores_each_good_item_and_explains_each_bad_one(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    second = f.key_person(world.building_a2, "李四")
    in_b = f.key_person(world.building_b, "赵六")
    items = [
        item(record, clock),
        item(second, clock, method="visit", temperature="36.6", note="已上门"),
        item(in_b, clock),
        {**item(record, clock), "key_person": 999_999},
        item(record, clock, slot=2),
        item(second, clock, slot=2, temperature="abc"),
        item(second, clock, slot=1, method="self"),
        item(second, clock, day=(clock.today - timedelta(days=1)).isoformat()),
        item(second, clock, symptoms=["headache"]),
        item(second, clock, note="长" * 201),
    ]
    response = post(world.client("grid_a"), items)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["result"] for r in body["results"]] == ["created", "created"] + ["refused"] * 8
    assert (body["stored"], body["duplicates"], body["refused"]) == (2, 0, 8)
    messages = [r["message"] for r in body["results"]]
    assert messages[2] == messages[3] == "没有这个重点人员，或不在您的辖区"
    assert "14:00 开始" in messages[4]
    assert "体温应为数字" in messages[5]
    assert "电话或上门" in messages[6]
    assert "须附上手机上的记录时间" in messages[7]
    assert "headache" in messages[8]
    assert "200" in messages[9]
    assert [r["client_id"] for r in body["results"]] == [i["client_id"] for i in items]
    stored = FollowUp.objects.get(client_id=items[1]["client_id"])
    assert (stored.key_person, stored.method, str(stored.temperature), stored.note) == (
        second,
        "visit",
        "36.6",
        "已上门",
    )
    assert stored.recorded_by == world.grid_worker_a
    assert FollowUp.objects.count() == 2
    assert not FollowUp.objects.filter(key_person=in_b).exists()


def test_a_temperature_that_is_not_a_number_is_refused_with_its_message(
    world, clock, record
) -> None:
    clock.set(clock.today, 10, 30)
    response = post(world.client("grid_a"), [item(record, clock, temperature="NaN")])
    assert response.status_code == 200, response.content
    assert "体温应为数字" in response.json()["results"][0]["message"]
    assert not FollowUp.objects.exists()


def test_a_batch_is_refused_whole_only_when_it_is_malformed(world, clock, record) -> None:
    client = world.client("grid_a")
    response = client.post(UPLOAD, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    response = client.post(UPLOAD, json.dumps({"items": "x"}), content_type="application/json")
    assert response.status_code == 422
    assert not FollowUp.objects.exists()


def test_an_item_of_the_wrong_shape_fails_alone_naming_its_fields_in_chinese(
    world, clock, record
) -> None:
    """A phone's queue with one odd item (a field of the wrong type, a number too
    large, not an object) keeps the rest: the odd item is refused with its fields named
    in Chinese, the others stored — a 422 for the batch kept them all on the phone."""
    clock.set(clock.today, 10, 30)
    good = item(record, clock)
    later = item(f.key_person(world.building_a, "李四"), clock, method="visit")
    bad_id = {**item(record, clock), "client_id": "not-a-uuid"}
    bad_fields = item(record, clock, slot="第一", temperature={"value": 36.5}, symptoms="fever")
    too_large = item(record, clock, key_person=2**70)
    response = post(world.client("grid_a"), [good, bad_id, bad_fields, 7, too_large, later])
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stored"], body["refused"]) == (2, 4)
    results = body["results"]
    assert [r["result"] for r in results] == [
        "created",
        "refused",
        "refused",
        "refused",
        "refused",
        "created",
    ]
    assert [r["client_id"] for r in results] == [
        good["client_id"],
        "not-a-uuid",
        bad_fields["client_id"],
        "",
        too_large["client_id"],
        later["client_id"],
    ]
    assert results[1]["errors"] == {"client_id": "提交编号应为 UUID 格式的编号"}
    assert results[2]["errors"] == {
        "slot": "随访时段应为整数",
        "temperature": "体温应为数字，如 36.5",
        "symptoms": "症状应为列表",
    }
    assert results[2]["message"] == "随访时段应为整数；体温应为数字，如 36.5；症状应为列表"
    assert results[3]["message"] == "每条记录应为对象（JSON object）"
    assert results[4]["errors"] == {"key_person": "没有这个重点人员，或不在您的辖区"}
    assert FollowUp.objects.count() == 2


def test_resending_a_batch_stores_nothing_new_even_after_midnight(world, clock, record) -> None:
    clock.set(clock.today, 19, 50)
    items = [item(record, clock, slot=1), item(record, clock, slot=2)]
    client = world.client("grid_a")
    first = post(client, items).json()
    assert [r["result"] for r in first["results"]] == ["created", "created"]
    again = post(client, items).json()
    assert (again["stored"], again["duplicates"]) == (0, 2)
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    clock.set(clock.today + timedelta(days=1), 0, 10)
    late = post(client, items).json()
    assert [r["result"] for r in late["results"]] == ["duplicate", "duplicate"]
    assert FollowUp.objects.count() == 2


def test_a_slot_someone_else_recorded_is_kept_and_reported(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    world.client("staff_a").post(
        reverse("watch:followup", args=[record.pk]),
        {"client_id": str(uuid.uuid4()), "slot": "1", "method": "visit"},
    )
    body = post(world.client("grid_a"), [item(record, clock)]).json()
    result = body["results"][0]
    assert (result["result"], result["message"]) == ("duplicate", "本时段已有记录，未重复保存")
    assert list(FollowUp.objects.values_list("method", flat=True)) == ["visit"]


def test_a_fever_raises_the_same_masked_alert_as_the_phone_page(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    body = post(
        world.client("grid_a"),
        [item(record, clock, temperature=38.2, symptoms=["cough"]), item(record, clock, slot=2)],
    ).json()
    assert body["results"][0]["abnormal"] is True
    followup = FollowUp.objects.get()
    assert followup.fever
    assert followup.symptoms == "cough"
    alert = Alert.objects.get()
    assert (alert.kind, alert.key_person, alert.area) == (
        Alert.Kind.FEVER,
        record,
        world.building_a,
    )
    assert "张**" in alert.title
    assert "38.2" in alert.title
    assert "张三丰" not in alert.title + alert.detail
    assert "咳嗽" in alert.detail


def test_an_item_sent_after_the_deadline_is_marked_late(world, clock, record) -> None:
    clock.set(clock.today, 13, 0)
    result = post(world.client("grid_a"), [item(record, clock)]).json()["results"][0]
    assert (result["result"], result["late"]) == ("created", True)
    assert FollowUp.objects.get().late


def test_a_released_record_is_refused(world, clock, record) -> None:
    actions.change_status(
        key_person=record,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.ORDERED_RELEASE,
        by=world.staff_a,
    )
    clock.set(clock.today, 10, 30)
    result = post(world.client("grid_a"), [item(record, clock)]).json()["results"][0]
    assert result["result"] == "refused"
    assert "不在管控中" in result["message"]


def test_one_failing_item_does_not_undo_the_others(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    second = f.key_person(world.building_a2, "李四")
    items = [item(record, clock), item(second, clock, temperature="38.5")]
    real = actions.record_followup

    def fail_for_second(**kwargs):
        if kwargs["key_person"].pk == second.pk:
            real(**kwargs)  # its row and its alert are written, then the item fails
            raise DatabaseError("disk full")
        return real(**kwargs)

    with mock.patch.object(actions, "record_followup", side_effect=fail_for_second):
        body = post(world.client("grid_a"), items).json()
    assert [r["result"] for r in body["results"]] == ["created", "refused"]
    assert "稍后重新上传" in body["results"][1]["message"]
    assert [r["retry"] for r in body["results"]] == [False, True]
    assert list(FollowUp.objects.values_list("key_person", flat=True)) == [record.pk]
    assert not Alert.objects.exists()


def test_a_batch_over_the_cap_is_refused_whole(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    response = post(world.client("grid_a"), [item(record, clock)] * (api.MAX_BATCH + 1))
    assert response.status_code == 400
    assert f"最多上传 {api.MAX_BATCH} 条" in response.json()["detail"]
    assert not FollowUp.objects.exists()


def test_the_openapi_document_lists_both_routes(world) -> None:
    schema = world.client("anonymous").get("/api/v1/openapi.json").json()
    assert "get" in schema["paths"][SHEET]
    assert "post" in schema["paths"][UPLOAD]


def test_an_out_of_range_id_is_refused_like_a_missing_one(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    items = [{**item(record, clock), "key_person": 2**70}, item(record, clock)]
    body = post(world.client("grid_a"), items).json()
    assert [r["result"] for r in body["results"]] == ["refused", "created"]
    assert body["results"][0]["message"] == "没有这个重点人员，或不在您的辖区"


GENERIC = ("所选的项不在可选范围内", "不在可选范围内", "此项必填", "格式不正确，请核对")


def test_each_refused_item_says_which_field_to_correct_and_how(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    yesterday = (clock.today - timedelta(days=1)).isoformat()
    tomorrow = clock.today + timedelta(days=1)
    in_b = f.key_person(world.building_b, "赵六")
    items = [
        item(record, clock, temperature="45"),
        item(record, clock, slot=3),
        item(record, clock, slot=9),
        item(record, clock, method="fax"),
        item(record, clock, method="self"),
        item(record, clock, symptoms=["cough", "headache"]),
        item(record, clock, note="长" * 201),
        item(record, clock, day=yesterday),
        item(record, clock, day=tomorrow.isoformat(), recorded_at=f"{clock.today}T10:00:00+08:00"),
        item(record, clock, recorded_at=f"{clock.today}T11:30:00+08:00"),
        item(in_b, clock),
        item(record, clock, temperature="39.9.9", method="fax"),
        item(record, clock, temperature="37.25"),
    ]
    response = post(world.client("grid_a"), items)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["result"] for r in results] == ["refused"] * len(items)
    errors = [r["errors"] for r in results]
    assert errors[0] == {"temperature": "体温应在 34.0 到 43.0 ℃ 之间，请核对"}
    assert errors[-1] == {"temperature": "体温请填一位小数，如 36.5"}
    assert errors[1] == {
        "slot": "随访时段不正确：没有第 3 个时段，本社区每天的时段为 "
        "1 上午 06:00-12:00、2 下午 14:00-20:00，请刷新页面"
    }
    assert errors[2] == {"slot": "随访时段不正确：没有第 9 个时段（每天最多 6 个），请刷新页面"}
    assert errors[3] == {"method": "随访方式“fax”不正确，请选择电话或上门（phone 或 visit）"}
    assert errors[4] == {"method": "随访方式“self”不正确，请选择电话或上门（phone 或 visit）"}
    assert errors[5]["symptoms"].startswith(
        "症状“headache”不正确，可选：咳嗽（cough）、乏力（fatigue）"
    )
    assert errors[6] == {"note": "情况说明最多 200 字（现有 201 字）"}
    assert list(errors[7]) == ["recorded_at"]
    assert "须附上手机上的记录时间" in errors[7]["recorded_at"]
    assert list(errors[8]) == ["day"]
    assert "晚于今天" in errors[8]["day"]
    assert list(errors[9]) == ["recorded_at"]
    assert "晚于现在" in errors[9]["recorded_at"]
    assert errors[10] == {"key_person": "没有这个重点人员，或不在您的辖区"}
    assert errors[11] == {
        "temperature": "体温应为数字，如 36.5",
        "method": "随访方式“fax”不正确，请选择电话或上门（phone 或 visit）",
    }
    for result in results:
        assert result["message"] == "；".join(result["errors"].values())
        assert not any(text in result["message"] for text in GENERIC)
    assert not FollowUp.objects.exists()


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=30),
    st.lists(st.one_of(st.text(max_size=10), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["", "0001-01-01", "9999-12-31T23:59:59", "2020-02-30", "24:00", "NaN"]),
)
FIELDS = ["key_person", "day", "slot", "method", "temperature", "symptoms", "note", "recorded_at"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_no_item_however_odd_is_a_500(world, clock, record, data) -> None:
    """Anything a phone or an integration may send gets a 4xx for the batch or a
    per-item answer, never a server error (the test client raises on one)."""
    clock.set(clock.today, 10, 30)
    sent = item(record, clock)
    for name in data.draw(st.sets(st.sampled_from(FIELDS), min_size=1)):
        sent[name] = data.draw(JUNK, label=name)
    response = world.client("grid_a").post(
        UPLOAD, json.dumps({"items": [sent]}), content_type="application/json"
    )
    assert response.status_code in (200, 422), response.content
    body = response.json()
    if response.status_code == 422:
        assert all(e["msg"] for e in body["detail"])
        return
    (result,) = body["results"]
    if result["result"] == "refused":
        assert result["message"]
        assert not any(text in result["message"] for text in GENERIC)
        assert result["retry"] is False


def test_today_lists_the_records_ended_since_yesterday_with_their_backfill(
    world, clock, policy_a
) -> None:
    """As the page's 已结束管控，待补录: released at 13:00 after missing the morning
    slot, 王五 is listed under ``ended`` with that slot to 补录 (a time before the end),
    and no longer among the cards."""
    today = clock.today
    clock.set(today, 5, 0)
    kp = f.key_person(world.building_a, "王五", by=world.staff_a, days=3)
    clock.set(today, 13, 0)
    actions.change_status(
        key_person=kp, status="released", reason="ordered_release", by=world.staff_a
    )
    clock.set(today, 13, 30)

    body = world.client("grid_a").get(SHEET).json()

    assert body["cards"] == []
    assert [e["key_person"] for e in body["ended"]] == [kp.pk]
    ended = body["ended"][0]
    assert ended["name"] == "王五"
    assert ended["status_label"] == "已解除"
    assert ended["backfill"] == [
        {
            "day": today.isoformat(),
            "number": 1,
            "label": "上午",
            "opens": "06:00",
            "deadline": "12:00",
        }
    ]
    assert world.client("staff_b").get(SHEET).json()["ended"] == []
