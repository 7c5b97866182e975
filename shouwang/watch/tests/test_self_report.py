"""The key person's personal self-report link: no login, signed, expiring."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse

from shouwang.watch import actions
from shouwang.watch.models import SELF_REPORT_SALT, Alert, FollowUp, KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world, clock, policy_a):
    clock.set(clock.today, 9, 0)
    return f.key_person(world.building_a, "王小明")


def url(token: str) -> str:
    return reverse("watch:self_report", args=[token])


def test_the_person_reports_without_logging_in(client, clock, record) -> None:
    clock.set(clock.today, 9, 30)
    page = client.get(url(record.self_report_token()))
    assert page.status_code == 200
    assert "王**" in page.content.decode()
    assert "王小明" not in page.content.decode()
    response = client.post(
        url(record.self_report_token()),
        {"client_id": str(uuid.uuid4()), "temperature": "36.5"},
    )
    assert response.status_code == 302
    followup = FollowUp.objects.get()
    assert (followup.method, followup.slot, followup.recorded_by) == (
        FollowUp.Method.SELF,
        1,
        None,
    )
    assert "上午已记录" in client.get(url(record.self_report_token())).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"temperature": ""}, "请填写体温，如 36.5"),
        ({"temperature": "36.5度左右吧"}, "体温应为数字，如 36.5"),
        ({"temperature": "36.5", "symptoms": ["headache"]}, "请从列出的不适中选择，没有则不选"),
        ({"temperature": "36.5", "note": "好" * 201}, "其他情况最多 200 字（现有 201 字）"),
    ],
)
def test_a_resident_is_told_what_to_fix(client, clock, record, data, message) -> None:
    clock.set(clock.today, 9, 30)
    response = client.post(
        url(record.self_report_token()), {"client_id": str(uuid.uuid4()), **data}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "这个字段" not in page
    assert "变量" not in page
    assert not FollowUp.objects.exists()


def test_a_self_reported_fever_raises_an_alert(client, clock, record) -> None:
    clock.set(clock.today, 15, 0)
    client.post(
        url(record.self_report_token()),
        {"client_id": str(uuid.uuid4()), "temperature": "38.5", "symptoms": ["cough"]},
    )
    assert FollowUp.objects.get().slot == 2
    assert Alert.objects.get().kind == Alert.Kind.FEVER


def test_a_fever_after_the_slot_was_recorded_normal_can_still_be_reported(
    client, clock, record, world
) -> None:
    clock.set(clock.today, 9, 30)
    actions.record_followup(
        key_person=record, client_id=uuid.uuid4(), slot=1, method="phone", by=world.grid_worker_a
    )
    page = client.get(url(record.self_report_token())).content.decode()
    assert "上午已记录" in page
    assert "之后如有发热或不适，请在此补报" in page
    clock.set(clock.today, 10, 45)
    response = client.post(
        url(record.self_report_token()),
        {"client_id": str(uuid.uuid4()), "temperature": "38.1"},
    )
    assert response.status_code == 302
    followup = FollowUp.objects.get()
    assert (followup.abnormal, followup.method) == (True, FollowUp.Method.SELF)
    assert Alert.objects.get().kind == Alert.Kind.FEVER
    page = client.get(url(record.self_report_token())).content.decode()
    assert "社区工作人员会尽快与您联系" in page
    assert "请在此补报" not in page


def test_a_forged_link_is_refused(client, clock, record) -> None:
    token = record.self_report_token()
    code, stamp, signature = token.split(":")
    forged = [
        f"{code}:{stamp}:{'A' * len(signature)}",
        f"{f.key_person(record.area, '别人').code}:{stamp}:{signature}",
        signing.TimestampSigner(key="not-our-secret", salt=SELF_REPORT_SALT).sign(code),
        "nonsense",
    ]
    for token in forged:
        response = client.get(url(token))
        assert response.status_code == 404, token
        assert "链接无效" in response.content.decode()
        assert client.post(url(token), {"temperature": "36.5"}).status_code == 404
    assert not FollowUp.objects.exists()


def test_an_expired_link_is_refused(client, clock, world, policy_a) -> None:
    """Given 31 days ago to a record whose planned end is 31 days past, still under
    control (not yet released): too old on both counts."""
    clock.set(clock.today, 9, 0)
    record = f.key_person(world.building_a, "王小明", start=clock.today - timedelta(days=45))
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 86400):
        old = record.self_report_token()
    response = client.get(url(old))
    assert response.status_code == 410
    assert "已过期" in response.content.decode()
    response = client.post(url(old), {"client_id": str(uuid.uuid4()), "temperature": "36.5"})
    assert response.status_code == 410
    assert not FollowUp.objects.exists()


def test_the_link_lives_as_long_as_the_record_is_under_control(
    client, clock, world, policy_a
) -> None:
    """The link given at registration 70 days ago, the period of 14 days extended by 60
    to tomorrow: the person still reports with it; once released, it takes no report
    and says their control has ended, not that the link expired."""
    clock.set(clock.today, 9, 0)
    start = clock.today - timedelta(days=70)
    record = f.key_person(world.building_a, "王小明", start=start)
    KeyPerson.objects.filter(pk=record.pk).update(planned_end=clock.today + timedelta(days=1))
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 70 * 86400):
        given = record.self_report_token()
    clock.set(clock.today, 9, 30)
    response = client.post(url(given), {"client_id": str(uuid.uuid4()), "temperature": "36.5"})
    assert response.status_code == 302
    assert FollowUp.objects.filter(key_person=record).count() == 1
    actions.change_status(
        key_person=record, status="released", reason="ordered_release", by=world.staff_a
    )
    response = client.get(url(given))
    page = response.content.decode()
    assert response.status_code == 404
    assert f"管控已于{clock.today.month}月{clock.today.day}日解除，无需再报" in page
    assert "已过期" not in page
    assert "<form" not in page


def test_the_link_stops_working_after_release(world, client, clock, record) -> None:
    token = record.self_report_token()
    actions.change_status(
        key_person=record,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.ORDERED_RELEASE,
        by=world.staff_a,
    )
    assert client.get(url(token)).status_code == 404


def test_it_is_refused_where_the_community_does_not_allow_it(client, clock, record, policy_a):
    policy_a.self_report = False
    policy_a.save()
    assert client.get(url(record.self_report_token())).status_code == 403


@pytest.mark.parametrize(
    ("temperature", "message"), [("3", "34.0 到 43.0"), ("nan", "体温应为数字")]
)
def test_bad_input_gets_a_message_and_stores_nothing(
    client, clock, record, temperature, message
) -> None:
    clock.set(clock.today, 9, 30)
    response = client.post(
        url(record.self_report_token()),
        {"client_id": str(uuid.uuid4()), "temperature": temperature},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FollowUp.objects.exists()


def test_staff_get_the_link_only_where_allowed(world, clock, record, policy_a) -> None:
    from shouwang.accounts.models import AuditEvent

    response = world.client("staff_a").post(
        reverse("watch:self_link", args=[record.pk]), follow=True
    )
    assert response.redirect_chain == [(reverse("watch:self_link", args=[record.pk]), 303)]
    assert "/watch/s/" in response.content.decode()
    assert "<svg" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()
    policy_a.self_report = False
    policy_a.save()
    response = world.client("staff_a").post(reverse("watch:self_link", args=[record.pk]))
    assert response.status_code == 302


def test_a_page_without_its_write_id_asks_for_a_refresh(client, clock, record) -> None:
    clock.set(clock.today, 9, 30)
    response = client.post(url(record.self_report_token()), {"temperature": "36.5"})
    assert response.status_code == 400
    assert "页面已过期" in response.content.decode()
    assert 'type="hidden" name="client_id"' in response.content.decode()
    assert not FollowUp.objects.exists()


def test_before_the_start_the_page_says_when_the_observation_starts(
    world, client, clock, policy_a
) -> None:
    from datetime import timedelta

    clock.set(clock.today, 9, 0)
    start = clock.today + timedelta(days=2)
    later = f.key_person(world.building_a, "王小明", start=start)
    page = client.get(url(later.self_report_token())).content.decode()
    assert f"居家观察{start.month}月{start.day}日开始" in page
    assert "第 -1 天" not in page


def test_a_report_sent_outside_any_slot_is_refused(client, clock, record) -> None:
    # The page was opened in the evening and sent after midnight, before the first slot.
    clock.set(clock.today, 21, 50)
    assert "下午自报" in client.get(url(record.self_report_token())).content.decode()
    clock.set(clock.today + timedelta(days=1), 0, 10)
    response = client.post(
        url(record.self_report_token()),
        {"client_id": str(uuid.uuid4()), "temperature": "36.5"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "现在不在自报时段，本次自报未保存" in page
    assert "今天的自报尚未开始" in page
    assert not FollowUp.objects.exists()


def test_a_report_after_an_abnormal_one_in_the_slot_is_refused(client, clock, record) -> None:
    clock.set(clock.today, 9, 30)
    first = str(uuid.uuid4())
    response = client.post(
        url(record.self_report_token()), {"client_id": first, "temperature": "38.2"}
    )
    assert response.status_code == 302
    response = client.post(
        url(record.self_report_token()),
        {"client_id": str(uuid.uuid4()), "temperature": "36.5", "note": "好了"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "本次自报未保存" in page
    assert "社区工作人员会尽快与您联系" in page
    followup = FollowUp.objects.get()
    assert (followup.temperature, followup.note) == (Decimal("38.2"), "")
    # The same report sent twice (a double tap) is the one already stored.
    response = client.post(
        url(record.self_report_token()), {"client_id": first, "temperature": "38.2"}
    )
    assert response.status_code == 302
    assert FollowUp.objects.count() == 1


@pytest.mark.parametrize("typed", ["36.55", "37.25", "３６．５５"])
def test_a_temperature_with_two_decimals_is_refused(client, clock, record, typed) -> None:
    clock.set(clock.today, 9, 30)
    response = client.post(
        url(record.self_report_token()), {"client_id": str(uuid.uuid4()), "temperature": typed}
    )
    assert response.status_code == 400
    assert "体温请填一位小数，如 36.5" in response.content.decode()
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [("36.50", "36.5"), ("37", "37.0")])
def test_a_temperature_of_one_decimal_written_otherwise_is_taken(
    client, clock, record, typed, stored
) -> None:
    clock.set(clock.today, 9, 30)
    response = client.post(
        url(record.self_report_token()), {"client_id": str(uuid.uuid4()), "temperature": typed}
    )
    assert response.status_code == 302
    assert FollowUp.objects.get().temperature == Decimal(stored)


def test_a_write_id_of_another_person_s_follow_up_is_refused(world, client, clock, record) -> None:
    clock.set(clock.today, 9, 30)
    other = f.key_person(world.building_a, "李四")
    taken = uuid.uuid4()
    first, _ = actions.record_followup(
        key_person=other, client_id=taken, slot=1, method="phone", by=world.grid_worker_a
    )
    response = client.post(
        url(record.self_report_token()),
        {"client_id": str(taken), "temperature": "38.5", "symptoms": ["cough"]},
    )
    assert response.status_code == 409
    assert "本次自报未保存，请刷新本页后重新填写" in response.content.decode()
    assert not FollowUp.objects.filter(key_person=record).exists()
    assert list(FollowUp.objects.values_list("pk", "abnormal")) == [(first.pk, False)]
    assert not Alert.objects.exists()
    with pytest.raises(actions.SelfReportRefused):
        actions.record_self_report(key_person=record, client_id=taken, temperature=Decimal("36.5"))


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        ("released", "ordered_release", "解除，无需再报"),
        ("hospital", "fever_hospital", "您已转医院，本链接暂停自报"),
        ("lost", "unreachable", "社区暂时联系不上您"),
        ("left", "left_area", "您已登记为离开本辖区"),
    ],
)
def test_an_ended_record_s_link_says_why_it_no_longer_works(
    world, client, clock, record, status, reason, message
) -> None:
    """Not 链接无效或您已解除管控 for all: the person is told their own situation,
    nothing more (no reason, note or name of who changed it)."""
    token = record.self_report_token()
    actions.change_status(
        key_person=record,
        status=status,
        reason=reason,
        note="内部备注",
        by=world.staff_a,
    )
    for response in (client.get(url(token)), client.post(url(token), {"temperature": "36.5"})):
        page = response.content.decode()
        assert response.status_code == 404
        assert message in page
        assert "链接无效" not in page
        assert "内部备注" not in page
    assert not FollowUp.objects.filter(key_person=record).exists()


@pytest.mark.parametrize("age_days", [0, 31, 400])
def test_a_released_record_s_link_says_when_control_ended_however_old(
    world, client, clock, age_days
) -> None:
    """Released two days ago: the resident opening the link given at registration, new
    or long past the link's days, is told their control ended and on which day — no
    form, nothing stored, not 链接已过期 (which sends them to the community for a new
    link they do not need)."""
    clock.set(clock.today - timedelta(days=2), 10, 0)
    released_on = clock.today
    record = f.key_person(world.building_a, "王小明", start=clock.today - timedelta(days=14))
    with mock.patch("django.core.signing.time.time", return_value=time.time() - age_days * 86400):
        token = record.self_report_token()
    actions.change_status(
        key_person=record, status="released", reason="ordered_release", by=world.staff_a
    )
    clock.set(released_on + timedelta(days=2), 9, 30)
    for response in (
        client.get(url(token)),
        client.post(url(token), {"client_id": str(uuid.uuid4()), "temperature": "36.5"}),
    ):
        page = response.content.decode()
        assert response.status_code == 404
        assert f"您的管控已于{released_on.month}月{released_on.day}日解除，无需再报" in page
        assert "过期" not in page
        assert "<form" not in page
    assert not FollowUp.objects.filter(key_person=record).exists()


def test_an_old_link_of_a_record_lost_says_to_call_the_community(
    world, client, clock, policy_a
) -> None:
    """Any ended record's link past its days says the person's situation, as a new one
    does."""
    clock.set(clock.today, 9, 0)
    record = f.key_person(world.building_a, "王小明", start=clock.today - timedelta(days=45))
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 86400):
        old = record.self_report_token()
    actions.change_status(key_person=record, status="lost", reason="unreachable", by=world.staff_a)
    response = client.get(url(old))
    assert response.status_code == 404
    assert "社区暂时联系不上您" in response.content.decode()


def test_the_old_link_of_someone_registered_again_sends_them_to_their_new_link(
    world, client, clock, policy_a
) -> None:
    """Released, then registered again (a new trip): the first record's link must not
    tell them 无需再报 while they are under control on the new record."""
    clock.set(clock.today, 9, 0)
    first = f.key_person(world.building_a, "王小明", start=clock.today - timedelta(days=14))
    token = first.self_report_token()
    actions.change_status(
        key_person=first, status="released", reason="ordered_release", by=world.staff_a
    )
    actions.register_key_person(
        person=first.person,
        category=first.category,
        source="screening",
        measure="home",
        start_date=clock.today,
        by=world.staff_a,
    )
    response = client.get(url(token))
    page = response.content.decode()
    assert response.status_code == 404
    assert "本链接已停用，您目前仍在管控中，请使用社区新发给您的自报链接" in page
    assert "无需再报" not in page
