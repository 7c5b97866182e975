"""An extension for 随访记录不完整 or 观察期内随访异常 is the sub-district's answer to the
gap: release at the new end judges the follow-ups since the extension — all recorded,
none abnormal — not the slot missed (or the fever) that was the reason for it, which
would hold the record for ever. Another reason (上级要求延长, …) keeps judging the
whole period."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.core.text import day_label
from shouwang.watch import actions, schedule
from shouwang.watch.models import KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def follow_up(world, record, first, last, *, skip=(), fever=()) -> None:
    """Every due slot of [first, last), but the ``skip``-th; the ``fever``-th at 38℃."""
    for n, due in enumerate(
        schedule.due_slots(record, schedule.DEFAULT, first=first, last=last), 1
    ):
        if n in skip:
            continue
        actions.record_followup(
            key_person=record,
            client_id=uuid.uuid4(),
            slot=due.slot.number,
            method="phone",
            temperature=38 if n in fever else None,
            by=world.grid_worker_a,
            now=due.slot.opens_at(due.day) + timedelta(minutes=5),
        )


def extended(world, clock, name, reason, **gap):
    """A 2-day period ended two days ago with a gap (``gap``), extended that morning
    to today for ``reason``, followed up in every slot since."""
    today = clock.today
    start, end = today - timedelta(days=4), today - timedelta(days=2)
    record = f.key_person(
        world.building_a, name, start=start, days=2, created_at=schedule.day_start(start)
    )
    follow_up(world, record, start, end, **gap)
    clock.set(end, 9)
    actions.extend_observation(key_person=record, new_end=today, reason=reason, by=world.staff_a)
    follow_up(world, record, end, today)
    clock.set(today, 9)
    return record


def test_after_an_extension_for_the_gap_release_judges_the_follow_ups_since(world, clock) -> None:
    clock.set(clock.today, 9)
    missed = extended(world, clock, "甲", KeyPerson.ExtensionReason.INCOMPLETE, skip=[2])
    fever = extended(world, clock, "乙", KeyPerson.ExtensionReason.ABNORMAL, fever=[1])
    ordered = extended(world, clock, "丙", KeyPerson.ExtensionReason.ORDERED, skip=[2])
    client = world.client("staff_a")
    response = client.get(reverse("watch:release"))
    proposed = {r.person.name: c for r, c in response.context["proposed"]}
    held = {r.person.name: c for r, c in response.context["held"]}
    assert sorted(proposed) == ["乙", "甲"]
    assert proposed["甲"].missing == 0
    assert held["丙"].missing == 1  # another reason: the whole period still counts
    since = day_label(clock.today - timedelta(days=2))
    page = response.content.decode()
    assert f"自 {since} 延长观察（随访记录不完整）起" in page
    assert f"自 {since} 延长观察（观察期内随访异常）起" in page

    response = client.post(reverse("watch:release_bulk"), {"ids": [missed.pk, fever.pk]})
    assert response.status_code == 302
    for record in (missed, fever):
        record.refresh_from_db()
        assert record.status == KeyPerson.Status.RELEASED
    ordered.refresh_from_db()
    assert ordered.status == KeyPerson.Status.ACTIVE


def test_a_slot_missed_after_the_extension_still_holds_the_record(world, clock) -> None:
    clock.set(clock.today, 9)
    record = extended(world, clock, "丁", KeyPerson.ExtensionReason.INCOMPLETE, skip=[1])
    # The last slot since the extension is taken away: now missing.
    record.followups.order_by("-day", "-slot").first().delete()
    done = schedule.completeness([record], now=clock.now)[record.pk]
    assert (done.missing, done.clean) == (1, False)
    url = reverse("watch:status", args=[record.pk])
    response = world.client("staff_a").post(
        url, {"status": "released", "reason": KeyPerson.Reason.PERIOD_COMPLETE}
    )
    assert response.status_code == 400
    assert "随访不全或有异常" in response.content.decode()
