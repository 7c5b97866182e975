from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import NAME_START_MESSAGE, Area
from shouwang.core.tests.personas import World


def url(area: Area) -> str:
    return reverse("areas:node_edit", kwargs={"pk": area.pk})


def test_it_shows_the_form(world: World) -> None:
    response = world.client("hq").get(url(world.building_a))
    assert response.status_code == 200
    assert "编辑 1号楼" in response.content.decode()


def test_it_saves_name_code_households_and_notes(world: World) -> None:
    response = world.client("hq").post(
        url(world.building_a),
        {"name": "1号楼（东）", "code": "B1", "expected_households": "30", "notes": "临街"},
    )
    assert response.status_code == 302
    area = Area.objects.get(pk=world.building_a.pk)
    assert (area.name, area.code, area.expected_households, area.notes) == (
        "1号楼（东）",
        "B1",
        30,
        "临街",
    )
    assert area.path == world.building_a.path
    assert AuditEvent.objects.get(action=AuditEvent.Action.UPDATE).object_id == str(area.pk)


def test_it_refuses_the_name_of_a_sibling(world: World) -> None:
    response = world.client("hq").post(url(world.building_a2), {"name": "1号楼"})
    assert response.status_code == 400
    assert "“西城花园”下已有名为“1号楼”的节点，请换一个名称" in response.content.decode()
    assert Area.objects.get(pk=world.building_a2.pk).name == "2号楼"


def test_it_refuses_a_negative_household_count(world: World) -> None:
    response = world.client("hq").post(
        url(world.building_a), {"name": "1号楼", "expected_households": "-3"}
    )
    assert response.status_code == 400
    assert Area.objects.get(pk=world.building_a.pk).expected_households == 4


def test_community_staff_cannot_edit(world: World) -> None:
    response = world.client("staff_a").post(url(world.building_a), {"name": "改名"})
    assert response.status_code == 403


def test_it_refuses_the_name_of_a_sibling_spelled_otherwise(world: World) -> None:
    response = world.client("hq").post(url(world.building_a2), {"name": "１ 号楼"})
    assert response.status_code == 400
    assert "“西城花园”下已有名为“1号楼”的节点，请换一个名称" in response.content.decode()
    assert Area.objects.get(pk=world.building_a2.pk).name == "2号楼"


def test_a_refused_rename_shows_the_submitted_name_under_the_saved_title(world: World) -> None:
    response = world.client("hq").post(url(world.building_a2), {"name": "1号楼", "code": "B2"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>编辑 2号楼</h1>" in page
    assert 'value="1号楼"' in page
    assert 'value="B2"' in page
    assert response.context["area"].name == "2号楼"


def test_a_form_error_keeps_the_saved_title(world: World) -> None:
    response = world.client("hq").post(
        url(world.building_a), {"name": "东楼", "expected_households": "-3"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>编辑 1号楼</h1>" in page
    assert 'value="东楼"' in page


def test_the_audit_entry_says_what_changed(world: World) -> None:
    # A renamed node is logged under its new name: the entry keeps the old one.
    world.client("hq").post(
        url(world.building_a),
        {"name": "1号楼（东）", "code": "", "expected_households": "30", "notes": "临街"},
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.detail == "名称 1号楼→1号楼（东）；应有户数 4→30；备注"


def test_it_refuses_households_on_a_community(world: World) -> None:
    # Coverage counts 应有户数 on buildings and on compounds without buildings only:
    # a community's figure would be saved and never count.
    response = world.client("hq").post(
        url(world.community_a), {"name": "西城社区", "expected_households": "500"}
    )
    assert response.status_code == 400
    assert "社区/村的应有户数不计入覆盖率" in response.content.decode()
    assert Area.objects.get(pk=world.community_a.pk).expected_households is None


def test_it_refuses_households_on_a_compound_with_buildings(world: World) -> None:
    response = world.client("hq").post(
        url(world.compound_a), {"name": "西城花园", "expected_households": "100"}
    )
    assert response.status_code == 400
    assert "“西城花园”已有楼栋，应有户数按各楼栋合计" in response.content.decode()
    assert Area.objects.get(pk=world.compound_a.pk).expected_households is None


def test_a_figure_saved_before_may_stay_or_go(world: World) -> None:
    # An ignored figure stored before the check does not block editing the node.
    Area.objects.filter(pk=world.compound_a.pk).update(expected_households=100)
    client = world.client("hq")
    response = client.post(
        url(world.compound_a), {"name": "西城花园", "code": "C1", "expected_households": "100"}
    )
    assert response.status_code == 302
    response = client.post(url(world.compound_a), {"name": "西城花园", "expected_households": ""})
    assert response.status_code == 302
    assert Area.objects.get(pk=world.compound_a.pk).expected_households is None


def test_it_refuses_a_name_a_spreadsheet_would_run(world: World) -> None:
    response = world.client("hq").post(url(world.building_a), {"name": "=SUM(A1)"})
    assert response.status_code == 400
    assert NAME_START_MESSAGE in response.content.decode()
    assert Area.objects.get(pk=world.building_a.pk).name == "1号楼"
