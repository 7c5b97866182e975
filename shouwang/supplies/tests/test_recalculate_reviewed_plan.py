"""A reviewed plan may still be recalculated (a target closed since is set to 0
people, docs: "请将其人数改为0，重新计算并审核后再发放"), but never silently: the page
says beforehand that recalculating withdraws the review, and afterwards the plan is a
draft to be reviewed again, its page and its audit row saying so."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.supplies.models import AllocationPlan

from .factories import location, plan_form, stock

pytestmark = pytest.mark.django_db

WARNING = "重新计算将撤销审核，方案退回草稿"


@pytest.fixture
def plan(world) -> AllocationPlan:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    location(world.compound_a, "西城花园卡点", "checkpoint", staff=8)
    stock(warehouse, 10_000)
    data = plan_form(warehouse)
    assert world.client("hq").post(reverse("supplies:plan_create"), data).status_code == 302
    return AllocationPlan.objects.get()


def _form(plan: AllocationPlan, people: int) -> dict:
    (line,) = plan.lines.all()
    return {"per_person": "1", "shifts_per_day": "3", "days": "7", f"p{line.pk}": people}


def test_a_draft_plan_recalculates_without_a_word_about_review(world, plan) -> None:
    client = world.client("hq")
    assert WARNING not in client.get(reverse("supplies:plan", args=[plan.pk])).content.decode()
    response = client.post(reverse("supplies:plan_update", args=[plan.pk]), _form(plan, 6))
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["已重新计算，请核对后审核"]


def test_the_reviewed_plan_page_says_recalculating_withdraws_the_review(world, plan) -> None:
    client = world.client("hq")
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    page = client.get(reverse("supplies:plan", args=[plan.pk])).content.decode()
    assert "一键发放到" in page
    assert WARNING in page


def test_recalculating_a_reviewed_plan_returns_it_to_draft(world, plan) -> None:
    client = world.client("hq")
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    response = client.post(
        reverse("supplies:plan_update", args=[plan.pk]), _form(plan, 6), follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "已重新计算；原审核已撤销，方案退回草稿，请重新审核后再发放" in page
    assert "审核通过" in page
    assert "一键发放到" not in page
    plan.refresh_from_db()
    assert (plan.status, plan.reviewed_by, plan.reviewed_at) == ("draft", None, None)
    assert plan.total() == 126
    event = AuditEvent.objects.filter(detail__startswith="修改分配方案参数").get()
    assert "原审核已撤销" in event.detail
    # Issuing the plan as it was reviewed is refused: it must be reviewed again.
    assert client.post(reverse("supplies:plan_issue", args=[plan.pk])).status_code == 400
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_a_refused_recalculation_keeps_the_review(world, plan) -> None:
    client = world.client("hq")
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    response = client.post(reverse("supplies:plan_update", args=[plan.pk]), _form(plan, -1))
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.status == "reviewed"
    assert plan.reviewed_by == world.hq
