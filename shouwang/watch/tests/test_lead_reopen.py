"""A lead dismissed by mistake goes back to 待核实 (恢复待核实) with a reason: audited,
shown in the lead's history, only for staff of its area; then it can be confirmed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.watch import actions
from shouwang.watch.models import KeyPerson, Lead
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def dismissed(world) -> Lead:
    lead = f.lead(world.building_a)
    world.client("staff_a").post(
        reverse("watch:lead_dismiss", args=[lead.pk]), {"note": "同名误报"}
    )
    lead.refresh_from_db()
    assert lead.status == Lead.Status.DISMISSED
    return lead


def test_it_reopens_a_dismissed_lead_with_a_reason(world, dismissed) -> None:
    client = world.client("staff_a")
    url = reverse("watch:lead_reopen", args=[dismissed.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "同名误报" in page.content.decode()  # what was decided, before reopening
    response = client.post(url, {"reason": "核实后确系本人，曾到过武汉"})
    assert response.status_code == 302
    assert response["Location"] == reverse("watch:leads")
    dismissed.refresh_from_db()
    assert dismissed.status == Lead.Status.NEW
    assert (dismissed.decided_at, dismissed.decided_by, dismissed.decided_note) == (None, None, "")
    audit = AuditEvent.objects.filter(object_id=str(dismissed.pk), object_type="watch.Lead").latest(
        "id"
    )
    assert audit.user == world.staff_a
    assert "恢复待核实" in audit.detail
    assert "同名误报" in audit.detail  # the old outcome is kept
    assert "核实后确系本人" in audit.detail
    # The lead's history, on the list: the dismissal and the reopening, with who and why.
    listed = client.get(reverse("watch:leads")).content.decode()
    assert "已排除" in listed
    assert "同名误报" in listed
    assert "恢复待核实" in listed
    assert "核实后确系本人，曾到过武汉" in listed


def test_a_reopened_lead_can_be_confirmed_into_a_key_person(world, dismissed) -> None:
    client = world.client("staff_a")
    client.post(reverse("watch:lead_reopen", args=[dismissed.pk]), {"reason": "排除错了"})
    response = client.post(
        reverse("watch:lead_confirm", args=[dismissed.pk]),
        {"category": f.category().pk, "measure": "home", "start_date": dismissed.created_at.date()},
    )
    assert response.status_code == 302
    dismissed.refresh_from_db()
    assert dismissed.status == Lead.Status.CONFIRMED
    assert KeyPerson.objects.get(person=dismissed.person) == dismissed.key_person
    history = client.get(reverse("watch:leads"), {"state": "confirmed"}).content.decode()
    for step in ("已排除", "恢复待核实", "已确认"):
        assert step in history


def test_it_asks_for_a_reason_and_changes_nothing_without_one(world, dismissed) -> None:
    response = world.client("staff_a").post(
        reverse("watch:lead_reopen", args=[dismissed.pk]), {"reason": "  "}
    )
    assert response.status_code == 400
    assert "请填写恢复核实的原因" in response.content.decode()
    dismissed.refresh_from_db()
    assert dismissed.status == Lead.Status.DISMISSED
    assert dismissed.decided_note == "同名误报"


def test_only_a_dismissed_lead_is_reopened(world) -> None:
    pending = f.lead(world.building_a)
    client = world.client("staff_a")
    response = client.post(reverse("watch:lead_reopen", args=[pending.pk]), {"reason": "再看看"})
    assert response.status_code == 400
    assert "只有已排除的线索可以恢复" in response.content.decode()
    confirmed = f.lead(world.building_a)
    client.post(
        reverse("watch:lead_confirm", args=[confirmed.pk]),
        {"category": f.category().pk, "measure": "home", "start_date": confirmed.created_at.date()},
    )
    response = client.post(reverse("watch:lead_reopen", args=[confirmed.pk]), {"reason": "再看看"})
    assert response.status_code == 400
    confirmed.refresh_from_db()
    assert confirmed.status == Lead.Status.CONFIRMED


def test_grid_workers_leaders_and_community_b_cannot_reopen(world, dismissed) -> None:
    url = reverse("watch:lead_reopen", args=[dismissed.pk])
    assert world.client("grid_a").post(url, {"reason": "x"}).status_code == 403
    assert world.client("leader").post(url, {"reason": "x"}).status_code == 403
    assert world.client("staff_b").post(url, {"reason": "x"}).status_code == 404
    dismissed.refresh_from_db()
    assert dismissed.status == Lead.Status.DISMISSED


def test_the_list_offers_reopen_only_on_dismissed_leads(world, dismissed) -> None:
    f.lead(world.building_a)
    client = world.client("staff_a")
    url = reverse("watch:lead_reopen", args=[dismissed.pk])
    assert url in client.get(reverse("watch:leads"), {"state": "dismissed"}).content.decode()
    assert "lead_reopen" not in client.get(reverse("watch:leads")).content.decode()
    assert "恢复核实" not in client.get(reverse("watch:leads")).content.decode()


def test_the_action_refuses_twice(world, dismissed) -> None:
    actions.reopen_lead(lead=dismissed, reason="排除错了", by=world.staff_a)
    with pytest.raises(Exception, match="只有已排除的线索可以恢复"):
        actions.reopen_lead(lead=dismissed, reason="排除错了", by=world.staff_a)
