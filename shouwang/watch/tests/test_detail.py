"""A key person's page: the follow-up counts agree with the follow-ups it lists."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def tap(world, record, **data) -> None:
    assert f.tap(world.client("grid_a"), record, htmx=False, **data).status_code == 302


def counts(world, record) -> str:
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
    return page.context["completeness"]


def test_a_follow_up_of_the_open_slot_counts_at_once(world, clock, record) -> None:
    """The morning's follow-up is listed at 10:30; the counts said 应 0 次，已 0 次
    (with 异常 1 次 beside them after a fever) until the slot's deadline at noon."""
    clock.set(clock.today, 10, 30)
    tap(world, record, temperature="38.2")
    done = counts(world, record)
    assert (done.due, done.done, done.missing, done.abnormal) == (1, 1, 0, 1)
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
    assert "应 1 次，已 1 次" in page.content.decode()


def test_an_open_slot_not_yet_followed_up_is_not_missing(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    done = counts(world, record)
    assert (done.due, done.done, done.missing) == (0, 0, 0)
    clock.set(clock.today, 12, 5)
    done = counts(world, record)
    assert (done.due, done.done, done.missing) == (1, 0, 1)


def test_who_recorded_says_self_only_for_the_person_s_own_report(world, clock, record) -> None:
    """A follow-up with no recorder left (an account deleted, the demo's unassigned
    records) said 本人, as if the person had reported it themselves."""
    from shouwang.watch import actions

    clock.set(clock.today, 10, 30)
    actions.record_followup(
        key_person=record, client_id=uuid.uuid4(), slot=1, method="phone", by=None
    )
    clock.set(clock.today, 15, 0)
    client = world.client("hq")
    client.post(
        reverse("watch:self_report", args=[record.self_report_token()]),
        {"client_id": str(uuid.uuid4()), "temperature": "36.6"},
    )
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
    rows = page.content.decode().split("<h2>随访记录</h2>", 1)[1].split("</table>", 1)[0]
    afternoon, morning = rows.split("<tr><td>")[1:3]
    assert "本人自报</td>" in afternoon
    assert "<td>本人</td>" in afternoon
    assert "<td>本人</td>" not in morning
    assert "<td>—</td><td>" in morning


def test_an_alert_s_kind_is_not_read_twice(world, clock, record) -> None:
    from shouwang.watch import actions

    clock.set(clock.today, 10, 30)
    tap(world, record, temperature="38.2")
    clock.set(clock.today, 20, 30)
    actions.record_overdue(now=clock.now, since=clock.now - timedelta(hours=24))
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
    text = page.content.decode()
    assert "随访逾期：随访逾期：" not in text
    assert '<span class="badge">随访逾期</span> 随访逾期：' in text
