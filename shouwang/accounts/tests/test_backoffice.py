"""The Django admin as the HQ admins' back office: scoped, audited."""

from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.core.tests.personas import World


def test_hq_opens_the_back_office(world: World) -> None:
    response = world.client("hq").get(reverse("admin:index"))
    assert response.status_code == 200
    assert "守望 · 后台管理" in response.content.decode()


def test_others_are_sent_to_the_admin_login(world: World) -> None:
    for persona in ("leader", "auditor", "staff_a"):
        response = world.client(persona).get(reverse("admin:index"))
        assert response.status_code == 302, persona


def test_it_lists_only_areas_of_the_subtree(world: World) -> None:
    response = world.client("hq").get(reverse("admin:areas_area_changelist"))
    names = {a.name for a in response.context["cl"].result_list}
    assert "明湖街道" in names
    assert "示范区" not in names


def test_a_change_is_audited(world: World) -> None:
    url = reverse("admin:areas_area_change", args=[world.building_a.pk])
    response = world.client("hq").post(
        url, {"name": "1号楼", "code": "B-1", "expected_households": "6", "notes": ""}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.object_id == str(world.building_a.pk)
    assert "code" in event.detail
