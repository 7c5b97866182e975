"""今日随访 and the leads list only read (GET and HEAD; a POST is 405), yet a refused
tap or dismissal sent without htmx still comes back to its page with the message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.core.tests.taps import assert_reads_only
from shouwang.watch.models import FollowUp, Lead
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def test_today_answers_get_and_head_only(world, clock, policy_a) -> None:
    assert_reads_only(world.client("grid_a"), reverse("watch:today"))


def test_a_refused_tap_without_htmx_comes_back_to_today(world, clock, policy_a) -> None:
    clock.set(clock.today, 10, 30)
    record = f.key_person(world.building_a, "张三丰")
    response = f.tap(world.client("grid_a"), record, htmx=False, note="长" * 201)
    assert response.status_code == 400
    html = response.content.decode()
    assert "张三丰：情况说明最多 200 字（现有 201 字）" in html
    assert "今日随访" in html
    assert not FollowUp.objects.exists()


def test_leads_answers_get_and_head_only(world) -> None:
    assert_reads_only(world.client("staff_a"), reverse("watch:leads"))


def test_a_refused_dismissal_comes_back_to_the_leads(world) -> None:
    lead = f.lead(world.building_a)
    response = world.client("staff_a").post(
        reverse("watch:lead_dismiss", args=[lead.pk]), {"note": ""}
    )
    assert response.status_code == 400
    assert "请填写排除理由（最多200字）" in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.NEW
