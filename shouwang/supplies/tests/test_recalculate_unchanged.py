"""重新计算 of a reviewed plan withdraws its review only when its figures change (the
parameters, a line's people, a line's quantity): the same figures sent again leave the
review standing, write nothing and say 数据未变，审核保持."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.supplies.models import AllocationPlan

from .factories import location, plan_form, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world) -> AllocationPlan:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    location(world.compound_a, "西城花园卡点", "checkpoint", staff=8)
    stock(warehouse, 10_000)
    data = plan_form(warehouse)
    client = world.client("hq")
    assert client.post(reverse("supplies:plan_create"), data).status_code == 302
    made = AllocationPlan.objects.get()
    assert client.post(reverse("supplies:plan_review", args=[made.pk])).status_code == 302
    made.refresh_from_db()
    assert made.status == "reviewed"
    return made


def _update(world, plan: AllocationPlan, per_person: str = "1", days: str = "7", people=8):
    (line,) = plan.lines.all()
    data = {"per_person": per_person, "shifts_per_day": "3", "days": days, f"p{line.pk}": people}
    response = world.client("hq").post(reverse("supplies:plan_update", args=[plan.pk]), data)
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def _recalculations() -> int:
    return AuditEvent.objects.filter(detail__startswith="修改分配方案参数").count()


@pytest.mark.parametrize("per_person", ["1", "1.00"])
def test_the_same_figures_keep_the_review(world, plan, per_person) -> None:
    reviewed_at = plan.reviewed_at
    said = _update(world, plan, per_person=per_person)
    assert said == ["数据未变，审核保持"]
    plan.refresh_from_db()
    assert (plan.status, plan.reviewed_by, plan.reviewed_at) == ("reviewed", world.hq, reviewed_at)
    assert plan.total() == 168
    assert _recalculations() == 0
    page = world.client("hq").get(reverse("supplies:plan", args=[plan.pk])).content.decode()
    assert "一键发放到" in page
    assert (
        world.client("hq").post(reverse("supplies:plan_issue", args=[plan.pk])).status_code == 302
    )
    plan.refresh_from_db()
    assert plan.status == "issued"


def test_a_changed_parameter_withdraws_the_review_and_says_so(world, plan) -> None:
    said = _update(world, plan, days="5")
    assert said == [
        "数据有变（合计由168个变为120个），已重新计算；原审核已撤销，方案退回草稿，请重新审核后再发放"
    ]
    plan.refresh_from_db()
    assert (plan.status, plan.reviewed_by) == ("draft", None)
    assert _recalculations() == 1


def test_a_changed_head_count_withdraws_the_review(world, plan) -> None:
    said = _update(world, plan, people=6)
    assert "原审核已撤销" in said[0]
    plan.refresh_from_db()
    assert plan.status == "draft"
    assert plan.total() == 126


def test_the_reviewed_page_says_only_a_change_withdraws_the_review(world, plan) -> None:
    page = world.client("hq").get(reverse("supplies:plan", args=[plan.pk])).content.decode()
    assert "数据有变时，重新计算将撤销审核，方案退回草稿" in page
