"""未联系上: a follow-up that reached nobody is one tap on 今日随访 (and an API item),
kept with who and when, shown in the person's history — but the slot stays to do, and
release never counts it. Attempts in several slots with no follow-up since list the
person as 疑似失联 for staff, who may set 失联 with a reason; it raises one alert per
episode and shows on the person's phone card."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from shouwang.core.todo import todo_for
from shouwang.watch import actions, schedule
from shouwang.watch.models import (
    Alert,
    ContactAttempt,
    FollowUp,
    KeyPerson,
    MissedSlot,
    WatchPolicy,
)
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db
UPLOAD = "/api/v1/watch/followups"
SHEET = "/api/v1/watch/today"  # GET: the day's follow-up sheet (今日随访)


def tap(client, record, view="watch:attempt", **data):
    return f.tap(client, record, view=view, **data)


def not_reached(record, clock, by, *, slot: int, hour: int, day=None) -> None:
    """An attempt in ``slot`` at ``hour`` o'clock of ``day`` (default today)."""
    clock.set(day or clock.today, hour, 10)
    actions.record_attempt(
        key_person=record, client_id=uuid.uuid4(), slot=slot, method="phone", by=by
    )


def test_one_tap_records_it_and_the_slot_stays_to_do(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    client = world.client("grid_a")
    page = client.get(reverse("watch:today")).content.decode()
    assert "电话·未联系上" in page
    assert "上门·未联系上" in page
    response = tap(client, record, method="visit", note="敲门无人应答")
    assert response.status_code == 200
    attempt = ContactAttempt.objects.get()
    assert (attempt.day, attempt.slot, attempt.method, attempt.note) == (
        clock.today,
        1,
        "visit",
        "敲门无人应答",
    )
    assert (attempt.recorded_by, attempt.recorded_at) == (world.grid_worker_a, clock.now)
    assert not FollowUp.objects.exists()
    card = response.content.decode()
    assert "未联系上 1 次：上门 10:30" in card
    assert 'class="w-card pending"' in card  # the slot is still to do
    assert "电话·正常" in card
    assert "应随访 2 次，已完成 0 次" in card  # the header counts do not move


def test_a_resent_tap_is_stored_once_and_a_second_try_twice(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    client = world.client("grid_a")
    client_id = str(uuid.uuid4())
    assert tap(client, record, client_id=client_id).status_code == 200
    again = tap(client, record, client_id=client_id)
    assert "已记录，未重复保存" in again.content.decode()
    clock.set(clock.today, 11, 0)
    tap(client, record, method="visit")
    assert ContactAttempt.objects.count() == 2
    assert (
        "未联系上 2 次：电话 10:30、上门 11:00"
        in tap(client, record, client_id=client_id).content.decode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "self"}, "随访方式“self”不正确"),
        ({"method": ""}, "请选择随访方式"),
        ({"slot": "3"}, "没有第 3 个时段"),
        ({"slot": "2"}, "下午随访从 14:00 开始"),
        ({"client_id": "x"}, "提交编号无效"),
        ({"note": "长" * 201}, "情况说明最多 200 字"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(world, clock, record, data, message) -> None:
    clock.set(clock.today, 10, 30)
    response = tap(world.client("grid_a"), record, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_who_may_not_follow_up_may_not_record_it(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    assert tap(world.client("staff_b"), record).status_code == 404
    assert tap(world.client("guard_a"), record).status_code == 403
    actions.change_status(
        key_person=record, status="released", reason="ordered_release", by=world.staff_a
    )
    response = tap(world.client("grid_a"), record)
    assert response.status_code == 400
    assert "不在管控中" in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_the_slot_goes_overdue_and_a_later_follow_up_still_fills_it(world, clock, record) -> None:
    not_reached(record, clock, world.grid_worker_a, slot=1, hour=10)
    clock.set(clock.today, 12, 30)
    overdue = world.client("staff_a").get(reverse("watch:overdue")).content.decode()
    assert "张三丰" in overdue
    actions.record_overdue(now=clock.now, since=clock.now - timedelta(hours=24))
    assert MissedSlot.objects.filter(key_person=record, slot=1).exists()
    response = tap(world.client("grid_a"), record, view="watch:followup")
    assert response.status_code == 200
    assert "此前未联系上 1 次" in response.content.decode()
    assert FollowUp.objects.get().late


def test_attempts_never_count_for_release(world, clock, policy_a) -> None:
    start = clock.today - timedelta(days=2)
    clock.set(start, 5, 0)
    record = f.key_person(world.building_a, "只打过电话", start=start, days=2)
    for day in (start, start + timedelta(days=1)):
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9, day=day)
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15, day=day)
    clock.set(start + timedelta(days=2), 9, 0)
    done = schedule.completeness([record], now=clock.now)[record.pk]
    assert (done.due, done.done, done.clean) == (4, 0, False)
    page = world.client("staff_a").get(reverse("watch:release")).content.decode()
    held = page.split("到期待核实", 1)[1]
    assert "只打过电话" in held
    assert "缺随访 4 次" in held
    response = world.client("staff_a").post(
        reverse("watch:status", args=[record.pk]),
        {"status": "released", "reason": "period_complete"},
    )
    assert response.status_code == 400
    assert "随访不全或有异常" in response.content.decode()


def test_the_api_takes_it_as_an_item_not_reached(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    client = world.client("grid_a")
    attempt = {
        "client_id": str(uuid.uuid4()),
        "key_person": record.pk,
        "day": clock.today.isoformat(),
        "slot": 1,
        "method": "phone",
        "reached": False,
        "note": "无人接听",
    }
    bad = {**attempt, "client_id": str(uuid.uuid4()), "temperature": "36.5"}
    body = client.post(
        UPLOAD, json.dumps({"items": [attempt, bad, attempt]}), content_type="application/json"
    ).json()
    assert [r["result"] for r in body["results"]] == ["created", "refused", "duplicate"]
    assert body["results"][1]["errors"] == {"temperature": "未联系上时不能填写体温或症状"}
    stored = ContactAttempt.objects.get()
    assert (str(stored.client_id), stored.note, stored.recorded_by) == (
        attempt["client_id"],
        "无人接听",
        world.grid_worker_a,
    )
    assert not FollowUp.objects.exists()
    card = client.get(SHEET).json()["cards"][0]
    morning = card["slots"][0]
    assert morning["state"] == "open"
    assert [(a["method"], a["method_label"]) for a in morning["attempts"]] == [("phone", "电话")]
    assert card["progress"] == {"due": 2, "done": 0, "overdue": 0}


def test_the_person_s_history_shows_the_attempts(world, clock, record) -> None:
    not_reached(record, clock, world.grid_worker_a, slot=1, hour=10)
    clock.set(clock.today, 11, 0)
    tap(world.client("grid_a"), record, view="watch:followup")
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk])).content.decode()
    history = page.split("<h2>随访记录</h2>", 1)[1].split("</table>", 1)[0]
    assert history.count("<tr><td>") == 2
    # the follow-up (11:00) above the attempt (10:10)
    assert history.index('badge green">正常') < history.index('badge yellow">未联系上')
    assert "疑似失联：" not in page


class TestSuspectedLost:
    """疑似失联: attempts in the policy's number of slots (default 2), none reached."""

    def listed(self, world, persona="staff_a") -> str:
        response = world.client(persona).get(reverse("watch:lost"))
        assert response.status_code == 200
        return response.content.decode()

    def test_two_slots_tried_in_vain_list_the_person(self, world, clock, record) -> None:
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9)
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=11)
        assert "张三丰" not in self.listed(world)  # two tries, one slot
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15)
        page = self.listed(world)
        assert "张三丰" in page
        assert "（默认 2 个）" in page
        assert "2 个时段，共 3 次" in page
        assert f"{reverse('watch:status', args=[record.pk])}?status=lost" in page
        assert "张三丰" not in self.listed(world, "staff_b")
        assert "变更为失联" not in self.listed(world, "grid_a")  # no status change for them
        detail = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
        assert "疑似失联：自" in detail.content.decode()

    def test_the_home_page_counts_them_for_staff(self, world, clock, record) -> None:
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9)
        assert "疑似失联" not in world.client("staff_a").get("/").content.decode()
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15)
        items = {i.label: i for i in todo_for(world.staff_a)}
        lost = items["疑似失联（人）"]
        assert (lost.count, lost.url, lost.urgent) == (1, reverse("watch:lost"), True)
        assert "疑似失联（人）" in world.client("staff_a").get("/").content.decode()
        assert "疑似失联（人）" not in {i.label for i in todo_for(world.staff_b)}
        assert "疑似失联（人）" not in {i.label for i in todo_for(world.grid_worker_a)}

    def test_a_follow_up_since_takes_them_off(self, world, clock, record) -> None:
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9)
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15)
        clock.set(clock.today, 16, 0)
        tap(world.client("grid_a"), record, view="watch:followup", slot="2")
        assert "张三丰" not in self.listed(world)
        # tried in vain again in two later slots: listed again
        tomorrow = clock.today + timedelta(days=1)
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9, day=tomorrow)
        assert "张三丰" not in self.listed(world)
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15, day=tomorrow)
        assert "张三丰" in self.listed(world)

    def test_the_number_of_slots_is_the_community_s_setting(self, world, clock, record) -> None:
        url = reverse("watch:policy_edit", args=[world.community_a.pk])
        bad = world.client("staff_a").post(
            url, {"slots": WatchPolicy.objects.get().slots, "lost_after": "0"}
        )
        assert bad.status_code == 400
        assert "疑似失联的时段数应为 1 到 12 之间的整数" in bad.content.decode()
        saved = world.client("staff_a").post(
            url, {"slots": WatchPolicy.objects.get().slots, "lost_after": "3"}
        )
        assert saved.status_code == 302
        assert WatchPolicy.objects.get().lost_after == 3
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9)
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15)
        assert "张三丰" not in self.listed(world)
        tomorrow = clock.today + timedelta(days=1)
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9, day=tomorrow)
        assert "3 个时段，共 3 次" in self.listed(world)

    def test_staff_set_lost_from_the_list_with_its_reasons(self, world, clock, record) -> None:
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9)
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15)
        url = reverse("watch:status", args=[record.pk])
        form = world.client("staff_a").get(url, {"status": "lost"}).content.decode()
        assert '<option value="lost" selected>' in form
        assert "多次电话联系不上" in form
        assert "发热送医" not in form
        response = world.client("staff_a").post(
            url, {"status": "lost", "reason": "unreachable", "note": "两天未联系上"}
        )
        assert response.status_code == 302
        record.refresh_from_db()
        assert record.status == KeyPerson.Status.LOST
        assert "张三丰" not in self.listed(world)

    def test_it_raises_one_alert_for_the_community_and_hq(self, world, clock, record) -> None:
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9)
        assert not Alert.objects.exists()  # one slot: not yet
        # the tap that makes it two slots raises the alert, details masked
        clock.set(clock.today, 15, 10)
        tap(world.client("grid_a"), record, slot="2", note="电话13912345678无人接")
        alert = Alert.objects.get()
        assert (alert.kind, alert.area, alert.key_person) == (
            Alert.Kind.LOST,
            world.building_a,
            record,
        )
        for persona in ("staff_a", "hq"):
            page = world.client(persona).get(reverse("watch:alerts")).content.decode()
            assert "疑似失联：湖北/武汉返回人员张**" in page
            assert "2个时段未联系上" in page
            assert "共 2 次未联系上，其间无随访；最近一次：电话" in page
            assert "张三丰" not in page
            assert "13912345678" not in page
        other = world.client("staff_b").get(reverse("watch:alerts")).content.decode()
        assert "人员张**" not in other
        # more tries, another page view, the scheduled job: still one alert
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=17)
        call_command("watch_overdue", stdout=StringIO())  # raises 随访逾期 of the morning
        assert Alert.objects.filter(kind=Alert.Kind.LOST).count() == 1
        # handled by staff like any alert
        response = world.client("staff_a").post(
            reverse("watch:alert_handle", args=[alert.pk]), {"note": "已上门找到本人"}
        )
        assert response.status_code == 302
        alert.refresh_from_db()
        assert (alert.handled_by, alert.handled_note) == (world.staff_a, "已上门找到本人")
        # handled, the same episode raises nothing again
        tomorrow = clock.today + timedelta(days=1)
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9, day=tomorrow)
        assert Alert.objects.filter(kind=Alert.Kind.LOST).count() == 1

    def test_a_follow_up_ends_the_episode_and_the_next_one_alerts_again(
        self, world, clock, record
    ) -> None:
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9)
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15)
        clock.set(clock.today, 16, 0)
        tap(world.client("grid_a"), record, view="watch:followup", slot="2")
        tomorrow = clock.today + timedelta(days=1)
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9, day=tomorrow)
        assert Alert.objects.filter(kind=Alert.Kind.LOST).count() == 1
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15, day=tomorrow)
        first, second = Alert.objects.filter(kind=Alert.Kind.LOST).order_by("raised_at")
        assert second.raised_at.date() == tomorrow

    def test_a_setting_lowered_alerts_through_the_scheduled_job(self, world, clock, record) -> None:
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9)
        assert not Alert.objects.exists()
        actions.save_policy(
            community=world.community_a,
            self_report=True,
            slots=WatchPolicy.objects.get().slots,
            lost_after=1,
            by=world.staff_a,
        )
        out = StringIO()
        call_command("watch_overdue", stdout=out)
        # one line, the HQ home page's 上次运行 result of the job
        assert out.getvalue().strip() == "新增逾期随访 0 个，疑似失联预警 1 个"
        assert "1个时段未联系上" in Alert.objects.get(kind=Alert.Kind.LOST).title
        call_command("watch_overdue", stdout=StringIO())
        assert Alert.objects.filter(kind=Alert.Kind.LOST).count() == 1

    def test_the_phone_card_shows_it(self, world, clock, record) -> None:
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9)
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=10)
        client = world.client("grid_a")
        assert "疑似失联" not in client.get(reverse("watch:today")).content.decode()
        clock.set(clock.today, 15, 0)
        card = tap(client, record, slot="2").content.decode()  # the tap's card says it
        assert "疑似失联 · 未联系上 3 次" in card
        assert "2 个时段未联系上" in card
        assert "疑似失联 · 未联系上 3 次" in client.get(reverse("watch:today")).content.decode()
        api_card = client.get(SHEET).json()["cards"][0]
        assert (api_card["lost"]["slots"], api_card["lost"]["attempts"]) == (2, 3)
        clock.set(clock.today, 16, 0)
        card = tap(client, record, view="watch:followup", slot="2").content.decode()
        assert "疑似失联" not in card
        assert client.get(SHEET).json()["cards"][0]["lost"] is None

    def test_found_and_back_under_control_is_no_longer_suspected(
        self, world, clock, record
    ) -> None:
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9)
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15)
        url = reverse("watch:status", args=[record.pk])
        client = world.client("staff_a")
        client.post(url, {"status": "lost", "reason": "unreachable"})
        clock.set(clock.today, 17, 0)
        response = client.post(url, {"status": "active", "reason": "found"})
        assert response.status_code == 302
        assert "张三丰" not in self.listed(world)
        assert (
            "疑似失联：自"
            not in client.get(reverse("watch:detail", args=[record.pk])).content.decode()
        )
        assert (
            "疑似失联 · " not in world.client("grid_a").get(reverse("watch:today")).content.decode()
        )
        assert "疑似失联（人）" not in {i.label for i in todo_for(world.staff_a)}
        # not reached again in two slots after that: a new episode, a new alert
        tomorrow = clock.today + timedelta(days=1)
        not_reached(record, clock, world.grid_worker_a, slot=1, hour=9, day=tomorrow)
        assert "张三丰" not in self.listed(world)
        not_reached(record, clock, world.grid_worker_a, slot=2, hour=15, day=tomorrow)
        assert "2 个时段，共 2 次" in self.listed(world)
        assert Alert.objects.filter(kind=Alert.Kind.LOST, key_person=record).count() == 2

    def test_the_list_reads_in_bounded_queries(
        self, world, clock, record, django_assert_max_num_queries
    ) -> None:
        for i in range(6):
            clock.set(clock.today, 8, 0)
            other = f.key_person(world.building_a2, f"王{i}")
            not_reached(other, clock, world.grid_worker_a, slot=1, hour=9)
            not_reached(other, clock, world.grid_worker_a, slot=2, hour=15)
        client = world.client("staff_a")
        with django_assert_max_num_queries(12):  # a fixed few, none per row
            page = client.get(reverse("watch:lost")).content.decode()
        assert page.count("个时段，共") == 6


def test_a_late_follow_up_after_the_attempts_is_a_contact_then(world, clock, record) -> None:
    """Tried in vain at 11:00 (上午) and 14:30 (下午), then reached at 15:00 and
    recorded for the morning (补记): reached since, not 疑似失联."""
    not_reached(record, clock, world.grid_worker_a, slot=1, hour=11)
    not_reached(record, clock, world.grid_worker_a, slot=2, hour=14)
    clock.set(clock.today, 15, 0)
    assert tap(world.client("grid_a"), record, view="watch:followup", slot="1").status_code == 200
    assert FollowUp.objects.get().late
    page = world.client("staff_a").get(reverse("watch:lost")).content.decode()
    assert "张三丰" not in page
