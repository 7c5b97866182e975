"""A self-report sent after its slot closed counts for the latest slot that opened
(``actions.record_self_report``), late: the page says so before and after, in the
resident's words — which slot it counts for, that it is late, when the next opens."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from shouwang.watch.models import FollowUp
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db

# policy_a: 上午 06:00-12:00；下午 14:00-20:00


@pytest.fixture
def record(world, clock, policy_a):
    clock.set(clock.today, 9, 0)
    return f.key_person(world.building_a, "王小明")


def _page(client, record) -> str:
    response = client.get(reverse("watch:self_report", args=[record.self_report_token()]))
    assert response.status_code == 200
    return response.content.decode()


def _send(client, record) -> None:
    response = client.post(
        reverse("watch:self_report", args=[record.self_report_token()]),
        {"client_id": str(uuid.uuid4()), "temperature": "36.5"},
    )
    assert response.status_code == 302


def test_between_slots_it_counts_for_the_closed_one_and_says_so(client, clock, record) -> None:
    clock.set(clock.today, 13, 0)
    page = _page(client, record)
    assert "上午自报已于 12:00 截止" in page
    assert "现在提交将计入上午自报，记为逾期补报" in page
    assert "下午自报 14:00 开始" in page
    _send(client, record)
    followup = FollowUp.objects.get()
    assert (followup.slot, followup.late) == (1, True)
    page = _page(client, record)
    assert "上午已记录（体温 36.5℃，13:00，逾期补报）" in page


def test_after_the_last_slot_it_counts_for_it_and_says_the_day_is_over(
    client, clock, record
) -> None:
    clock.set(clock.today, 21, 0)
    page = _page(client, record)
    assert "今天的自报已于 20:00 截止" in page
    assert "现在提交将计入下午自报，记为逾期补报" in page
    assert "开始" not in page.split("今天的自报已于 20:00 截止")[1].split("</p>")[0]
    _send(client, record)
    followup = FollowUp.objects.get()
    assert (followup.slot, followup.late) == (2, True)
    assert "下午已记录（体温 36.5℃，21:00，逾期补报）" in _page(client, record)


def test_a_report_made_in_time_says_nothing_of_lateness(client, clock, record) -> None:
    clock.set(clock.today, 10, 0)
    page = _page(client, record)
    assert "上午自报（截止 12:00）" in page
    assert "逾期" not in page
    _send(client, record)
    assert FollowUp.objects.get().late is False
    page = _page(client, record)
    assert "上午已记录（体温 36.5℃，10:00）" in page
    assert "逾期" not in page


def test_after_the_deadline_a_slot_reported_in_time_offers_a_late_report(
    client, clock, record
) -> None:
    clock.set(clock.today, 10, 0)
    _send(client, record)
    clock.set(clock.today, 13, 0)
    page = _page(client, record)
    assert "上午已记录（体温 36.5℃，10:00）" in page
    assert "（截止 12:00）" not in page
    assert "上午自报已于 12:00 截止" in page
    assert "下午自报 14:00 开始" in page
