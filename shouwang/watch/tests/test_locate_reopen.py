"""A 待查找 task closed by mistake (查无此人 or 已离开 recorded for someone who is in
fact here) goes back to 待查找 with a reason, audited, so that 已找到 can still be
recorded; a move that makes no sense is refused in Chinese, nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.watch.models import LocateTask
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def _closed(world, outcome: str = "not_here") -> LocateTask:
    task = f.locate_task(world.community_a, "陈三")
    response = world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]), {"outcome": outcome, "note": "敲门无人"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == outcome
    return task


def _reopen(world, task: LocateTask, persona: str = "staff_a", reason: str = "邻居证实本人在家"):
    return world.client(persona).post(
        reverse("watch:locate_reopen", args=[task.pk]), {"reason": reason}
    )


@pytest.mark.parametrize("outcome", ["not_here", "left"])
def test_it_reopens_a_wrongly_closed_task_with_a_reason(world, outcome) -> None:
    task = _closed(world, outcome)
    response = _reopen(world, task)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == LocateTask.Status.PENDING
    assert (task.decided_at, task.decided_by) == (None, None)
    assert "邻居证实本人在家" in task.note
    event = AuditEvent.objects.filter(object_id=str(task.pk), detail__startswith="恢复待查找").get()
    assert event.username == "staff_a"
    assert LocateTask.Status(outcome).label in event.detail
    assert "邻居证实本人在家" in event.detail
    # Back on the list to locate, and 已找到 can now be recorded.
    page = world.client("staff_a").get(reverse("watch:locate")).content.decode()
    assert reverse("watch:locate_record", args=[task.pk]) in page
    located = world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]),
        {"outcome": "located", "building": world.building_a.pk, "room": "301"},
    )
    assert located.status_code == 302
    task.refresh_from_db()
    assert task.status == LocateTask.Status.LOCATED
    assert task.key_person is not None


def test_the_closed_list_offers_reopening(world) -> None:
    task = _closed(world)
    page = world.client("staff_a").get(reverse("watch:locate") + "?state=not_here")
    assert reverse("watch:locate_reopen", args=[task.pk]) in page.content.decode()
    form = world.client("staff_a").get(reverse("watch:locate_reopen", args=[task.pk]))
    assert form.status_code == 200
    assert "恢复待查找" in form.content.decode()


def test_it_needs_a_reason(world) -> None:
    task = _closed(world)
    response = _reopen(world, task, reason="  ")
    assert response.status_code == 400
    assert "请填写恢复查找的原因" in response.content.decode()
    task.refresh_from_db()
    assert task.status == LocateTask.Status.NOT_HERE
    assert not AuditEvent.objects.filter(detail__startswith="恢复待查找").exists()


def test_a_pending_task_is_not_reopened(world) -> None:
    task = f.locate_task(world.community_a)
    response = _reopen(world, task)
    assert response.status_code == 400
    assert "仍在待查找中" in response.content.decode()
    assert not AuditEvent.objects.filter(detail__startswith="恢复待查找").exists()


def test_a_located_task_is_not_reopened(world) -> None:
    task = f.locate_task(world.community_a, "陈三")
    world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]),
        {"outcome": "located", "building": world.building_a.pk, "room": "301"},
    )
    task.refresh_from_db()
    response = _reopen(world, task)
    assert response.status_code == 400
    page = response.content.decode()
    assert "已记录为“已找到”" in page
    assert "不能恢复为待查找" in page
    task.refresh_from_db()
    assert task.status == LocateTask.Status.LOCATED
    assert task.key_person is not None


def test_a_task_listed_again_since_is_not_reopened_twice(world) -> None:
    """A later police list gave the same person a new 待查找 task: reopening the old one
    would make two (the database allows one pending task per document)."""
    task = _closed(world)
    again = f.locate_task(world.community_a, "陈三", number=task.document_number)
    response = _reopen(world, task)
    assert response.status_code == 400
    assert "已有一条待查找记录" in response.content.decode()
    task.refresh_from_db()
    assert task.status == LocateTask.Status.NOT_HERE
    assert again.status == LocateTask.Status.PENDING


def test_a_grid_worker_may_not_reopen(world) -> None:
    task = _closed(world)
    assert _reopen(world, task, persona="grid_a").status_code == 403
    task.refresh_from_db()
    assert task.status == LocateTask.Status.NOT_HERE


def test_another_communitys_task_is_not_found(world) -> None:
    task = _closed(world)
    assert _reopen(world, task, persona="staff_b").status_code == 404
    task.refresh_from_db()
    assert task.status == LocateTask.Status.NOT_HERE
