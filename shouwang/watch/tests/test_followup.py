"""今日随访 through HTTP: one tap for normal, details when abnormal, idempotent writes,
alerts with masked details."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.watch.models import Alert, ContactAttempt, FollowUp
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def test_it_records_a_normal_follow_up_with_one_tap(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    response = f.tap(world.client("grid_a"), record)
    assert response.status_code == 200
    followup = FollowUp.objects.get()
    assert (followup.day, followup.slot, followup.abnormal, followup.late) == (
        clock.today,
        1,
        False,
        False,
    )
    assert followup.recorded_by == world.grid_worker_a
    assert "✓" in response.content.decode()
    assert not Alert.objects.exists()


def test_it_stores_a_retried_write_once(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    client_id = str(uuid.uuid4())
    client = world.client("grid_a")
    assert f.tap(client, record, client_id=client_id).status_code == 200
    assert f.tap(client, record, client_id=client_id).status_code == 200
    assert FollowUp.objects.count() == 1


def test_it_keeps_the_first_follow_up_of_a_slot(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    f.tap(world.client("grid_a"), record, method="phone")
    response = f.tap(world.client("staff_a"), record, method="visit")
    assert response.status_code == 200
    assert "已有记录" in response.content.decode()
    assert list(FollowUp.objects.values_list("method", flat=True)) == ["phone"]


def test_a_fever_found_after_a_normal_follow_up_of_the_slot_is_kept(world, clock, record):
    clock.set(clock.today, 10, 30)
    f.tap(world.client("grid_a"), record, method="phone")
    clock.set(clock.today, 11, 10)
    response = f.tap(world.client("staff_a"), record, method="visit", temperature="38.6")
    assert response.status_code == 200
    assert "异常 38.6℃" in response.content.decode()
    followup = FollowUp.objects.get()
    assert (followup.abnormal, str(followup.temperature)) == (True, "38.6")
    assert (followup.method, followup.recorded_by) == ("visit", world.staff_a)
    assert Alert.objects.get().kind == Alert.Kind.FEVER
    # once abnormal, a later normal follow-up of the slot changes nothing
    f.tap(world.client("grid_a"), record, method="phone")
    assert FollowUp.objects.get().abnormal
    assert Alert.objects.count() == 1


def test_it_raises_a_masked_alert_on_fever(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    response = f.tap(
        world.client("grid_a"), record, temperature="38.2", symptoms=["cough", "fatigue"]
    )
    assert response.status_code == 200
    followup = FollowUp.objects.get()
    assert followup.abnormal
    assert followup.fever
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.FEVER
    assert alert.key_person == record
    assert alert.area == world.building_a
    text = alert.title + alert.detail
    assert "张**" in text
    assert "张三丰" not in text
    assert record.person.document_number not in text
    assert record.person.phone not in text
    assert "咳嗽" in alert.detail
    assert "38.2" in alert.title
    # Community A and HQ see it; community B does not.
    seen = "体温38.2℃"
    assert world.client("hq").get(reverse("watch:alerts")).content.decode().count(seen) == 1
    assert seen in world.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert seen not in world.client("staff_b").get(reverse("watch:alerts")).content.decode()


def test_a_temperature_typed_in_full_width_is_read(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    response = f.tap(world.client("grid_a"), record, temperature="３８．２")
    assert response.status_code == 200
    assert str(FollowUp.objects.get().temperature) == "38.2"
    assert Alert.objects.get().kind == Alert.Kind.FEVER


def test_symptoms_without_fever_raise_a_symptom_alert(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    f.tap(world.client("grid_a"), record, temperature="36.6", symptoms=["sore_throat"])
    assert Alert.objects.get().kind == Alert.Kind.SYMPTOM


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"temperature": "45"}, "34.0 到 43.0"),
        ({"temperature": "abc"}, "体温应为数字"),
        ({"temperature": "nan"}, "体温应为数字"),
        ({"temperature": "-NaN"}, "体温应为数字"),
        ({"temperature": "inf"}, "体温应为数字"),
        ({"temperature": "37.25"}, "体温请填一位小数，如 36.5"),
        ({"temperature": "３６．５５"}, "体温请填一位小数，如 36.5"),
        ({"client_id": ""}, "提交编号"),
        ({"slot": "3"}, "时段不正确"),
        ({"method": "fax"}, "选择"),
        ({"method": "fax"}, "随访方式“fax”不正确，请选择电话或上门"),
        ({"method": "self"}, "随访方式“self”不正确"),
        (
            {"slot": "3"},
            "没有第 3 个时段，本社区每天的时段为 1 上午 06:00-12:00、2 下午 14:00-20:00",
        ),
        ({"slot": "x"}, "随访时段应为时段序号"),
        ({"symptoms": ["headache"]}, "症状“headache”不正确，可选：咳嗽（cough）"),
        ({"note": "长" * 201}, "情况说明最多 200 字（现有 201 字）"),
    ],
)
def test_it_rejects_bad_input_and_stores_nothing(world, clock, record, data, message) -> None:
    clock.set(clock.today, 10, 30)
    response = f.tap(world.client("grid_a"), record, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FollowUp.objects.exists()


def test_a_refused_abnormal_follow_up_keeps_what_was_typed(world, clock, record) -> None:
    """On the phone, 385 for 38.5: the card came back with its message but the details
    folded and empty — temperature, symptoms, method and note to be typed again."""
    clock.set(clock.today, 10, 30)
    response = f.tap(
        world.client("grid_a"),
        record,
        method="visit",
        temperature="385",
        symptoms=["cough", "fatigue"],
        note="咳嗽两天",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "34.0 到 43.0" in page
    assert '<details class="w-abnormal" open>' in page
    assert 'name="temperature" value="385"' in page
    assert 'value="咳嗽两天"' in page
    ticked = r'<input type="(?:checkbox|radio)" name="(\w+)" value="(\w+)" checked>'
    checked = re.findall(ticked, page)
    assert sorted(checked) == [("method", "visit"), ("symptoms", "cough"), ("symptoms", "fatigue")]
    assert not FollowUp.objects.exists()


def test_it_refuses_a_slot_that_has_not_opened(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    response = f.tap(world.client("grid_a"), record, slot="2")
    assert response.status_code == 400
    assert "14:00 开始" in response.content.decode()


def test_a_late_follow_up_is_marked_late(world, clock, record) -> None:
    clock.set(clock.today, 13, 0)
    f.tap(world.client("grid_a"), record, slot="1")
    assert FollowUp.objects.get().late


def test_a_worker_of_b_cannot_follow_up_in_a(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    assert f.tap(world.client("staff_b"), record).status_code == 404
    assert not FollowUp.objects.exists()


def test_a_reused_client_id_for_another_person_is_refused(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    other = f.key_person(world.building_a2, "李四")
    client_id = str(uuid.uuid4())
    f.tap(world.client("grid_a"), record, client_id=client_id)
    response = f.tap(world.client("grid_a"), other, client_id=client_id)
    assert response.status_code == 400
    assert FollowUp.objects.count() == 1


def test_the_phone_page_lists_who_is_due_in_bounded_queries(
    world, clock, record, django_assert_max_num_queries
) -> None:
    for i in range(5):
        f.key_person(world.building_a2, f"王{i}")
    f.key_person(world.building_b, "不在我辖区")
    clock.set(clock.today, 10, 30)
    client = world.client("grid_a")
    with django_assert_max_num_queries(14):  # a fixed few (疑似失联; those ended since yesterday)
        response = client.get(reverse("watch:today"))
    page = response.content.decode()
    assert page.count('class="w-card pending"') == 6
    assert "不在我辖区" not in page
    assert "电话·正常" in page


def test_the_worker_sees_only_their_own_unless_asking_for_all(world, clock, policy_a) -> None:
    clock.set(clock.today, 9, 0)
    f.key_person(world.building_a, "我的")
    from shouwang.areas.tests.factories import child

    other_compound = child(world.community_a, "东区")
    f.key_person(child(other_compound, "9号楼"), "别人的")
    page = world.client("grid_a").get(reverse("watch:today")).content.decode()
    assert "我的" in page
    assert "别人的" not in page
    page = world.client("grid_a").get(reverse("watch:today") + "?all=1").content.decode()
    assert "别人的" in page


def test_calling_reveals_the_number_to_the_dialler_and_audits_it(world, clock, record) -> None:
    from shouwang.accounts.models import AuditEvent

    response = world.client("grid_a").post(reverse("watch:call", args=[record.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"tel:{record.person.phone}"
    reveal = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL)
    assert (reveal.user, reveal.detail) == (world.grid_worker_a, "随访拨打电话（查看完整手机号）")


def test_a_get_of_the_call_address_reveals_nothing_and_writes_nothing(world, clock, record) -> None:
    """A prefetcher, a crawler or the back button must not reveal the number again."""
    from shouwang.accounts.models import AuditEvent

    response = world.client("grid_a").get(reverse("watch:call", args=[record.pk]))
    assert response.status_code == 405
    assert record.person.phone not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def test_the_card_dials_with_a_post_form(world, clock, record) -> None:
    clock.set(clock.today, 9, 0)
    page = world.client("grid_a").get(reverse("watch:today")).content.decode()
    call = reverse("watch:call", args=[record.pk])
    assert f'<form method="post" action="{call}" class="w-call"' in page
    assert f'href="{call}"' not in page
    assert f"拨打 {record.person.phone_masked}" in page
    assert record.person.phone not in page


class TestAPageLeftOpenPastMidnight:
    """A tap carries the page's day: it is judged by the late-upload rule
    (``actions.check_recording_time``) for that day and slot, never recorded on
    another day's slot nor refused as a slot not open yet."""

    def test_the_page_s_cards_carry_its_day(self, world, clock, record) -> None:
        clock.set(clock.today, 15, 0)
        page = world.client("grid_a").get(reverse("watch:today")).content.decode()
        assert f'hx-vals=\'{{"day": "{clock.today:%Y-%m-%d}"}}\'' in page

    def test_yesterday_s_afternoon_tapped_at_00_05_names_its_day_and_slot(
        self, world, clock, record
    ) -> None:
        yesterday = clock.today
        clock.set(yesterday + timedelta(days=1), 0, 5)
        response = f.tap(world.client("grid_a"), record, slot="2", day=yesterday.isoformat())
        assert response.status_code == 400
        page = response.content.decode()
        assert f"{yesterday:%m月%d日}下午" in page
        assert "请到时再记录" not in page
        assert "昨天已做的随访请在“昨日未随访”中补录" in page
        assert reverse("watch:backfill", args=[record.pk]) in page  # the card offers it
        assert not FollowUp.objects.exists()

    def test_yesterday_s_morning_is_not_recorded_as_today_s(self, world, clock, record) -> None:
        yesterday = clock.today
        clock.set(yesterday + timedelta(days=1), 6, 30)
        response = f.tap(world.client("grid_a"), record, slot="1", day=yesterday.isoformat())
        assert response.status_code == 400
        assert f"{yesterday:%m月%d日}上午" in response.content.decode()
        assert not FollowUp.objects.exists()

    def test_a_not_reached_tap_is_judged_alike(self, world, clock, record) -> None:
        yesterday = clock.today
        clock.set(yesterday + timedelta(days=1), 6, 30)
        response = world.client("grid_a").post(
            reverse("watch:attempt", args=[record.pk]),
            {
                "client_id": str(uuid.uuid4()),
                "slot": "1",
                "method": "phone",
                "day": yesterday.isoformat(),
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 400
        assert f"{yesterday:%m月%d日}上午" in response.content.decode()
        assert not ContactAttempt.objects.exists()

    def test_today_s_page_records_today_s_slot(self, world, clock, record) -> None:
        clock.set(clock.today, 23, 50)
        response = f.tap(world.client("grid_a"), record, slot="2", day=clock.today.isoformat())
        assert response.status_code == 200
        stored = FollowUp.objects.get()
        assert (stored.day, stored.slot, stored.late) == (clock.today, 2, True)

    def test_two_days_back_or_a_day_ahead_is_refused(self, world, clock, record) -> None:
        today = clock.today
        for day, words in (
            (today - timedelta(days=2), "已过补记期限"),
            (today + timedelta(1), "晚于今天"),
        ):
            response = f.tap(world.client("grid_a"), record, slot="1", day=day.isoformat())
            assert response.status_code == 400
            assert words in response.content.decode()
        assert not FollowUp.objects.exists()

    def test_a_bad_day_is_refused(self, world, clock, record) -> None:
        response = f.tap(world.client("grid_a"), record, day="2020-13-45")
        assert response.status_code == 400
        assert "随访日期不正确" in response.content.decode()
        assert not FollowUp.objects.exists()
