from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import NAME_START_MESSAGE, SEGMENT, Area
from shouwang.core.tests.personas import World


def url(area: Area) -> str:
    return reverse("areas:node_create", kwargs={"pk": area.pk})


def test_it_creates_a_child_of_the_kind_below(world: World) -> None:
    response = world.client("hq").post(
        url(world.subdistrict), {"name": "丰庆社区", "code": "410105-003", "notes": ""}
    )
    assert response["Location"] == reverse("areas:node", kwargs={"pk": world.subdistrict.pk})
    area = Area.objects.get(name="丰庆社区")
    assert (area.kind, area.parent, area.code) == (
        Area.Kind.COMMUNITY,
        world.subdistrict,
        "410105-003",
    )
    assert area.path.startswith(world.subdistrict.path)
    assert len(area.path) == len(world.subdistrict.path) + SEGMENT
    assert area.depth == world.subdistrict.depth + 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert (event.user, event.object_id) == (world.hq, str(area.pk))


def test_it_creates_buildings_under_a_compound(world: World) -> None:
    world.client("hq").post(url(world.compound_a), {"name": "9号楼", "expected_households": "24"})
    building = Area.objects.get(name="9号楼")
    assert (building.kind, building.expected_households) == (Area.Kind.BUILDING, 24)


def test_the_kind_is_not_the_users_choice(world: World) -> None:
    world.client("hq").post(url(world.subdistrict), {"name": "新社区", "kind": "building"})
    assert Area.objects.get(name="新社区").kind == Area.Kind.COMMUNITY


def test_a_building_has_no_children(world: World) -> None:
    response = world.client("hq").post(url(world.building_a), {"name": "1单元"})
    assert response.status_code == 404
    assert not Area.objects.filter(name="1单元").exists()


def test_it_refuses_a_duplicate_name_under_the_same_parent(world: World) -> None:
    response = world.client("hq").post(url(world.compound_a), {"name": "1号楼"})
    assert response.status_code == 400
    assert "已有名为“1号楼”的节点" in response.content.decode()
    assert world.compound_a.children.filter(name="1号楼").count() == 1


def test_it_refuses_an_empty_name(world: World) -> None:
    response = world.client("hq").post(url(world.compound_a), {"name": ""})
    assert response.status_code == 400
    assert world.compound_a.children.count() == 2


def test_community_staff_cannot_change_the_tree(world: World) -> None:
    response = world.client("staff_a").post(url(world.compound_a), {"name": "9号楼"})
    assert response.status_code == 403
    assert not Area.objects.filter(name="9号楼").exists()


def test_it_stores_the_name_in_the_imports_spelling(world: World) -> None:
    response = world.client("hq").post(url(world.compound_a), {"name": "３ 号楼"})
    assert response.status_code == 302
    assert world.compound_a.children.filter(name="3号楼").exists()


def test_it_refuses_a_sibling_spelled_with_full_width_digits_or_spaces(world: World) -> None:
    for name in ("１号楼", "1 号楼", "1　号楼"):
        response = world.client("hq").post(url(world.compound_a), {"name": name})
        assert response.status_code == 400, name
        assert "已有名为“1号楼”的节点" in response.content.decode()
    assert world.compound_a.children.count() == 2


def test_it_refuses_a_name_of_unseen_characters_only(world: World) -> None:
    response = world.client("hq").post(url(world.compound_a), {"name": "\u200b\ufeff"})
    assert response.status_code == 400
    assert "名称不能为空" in response.content.decode()
    assert world.compound_a.children.count() == 2


def test_a_zero_width_space_does_not_make_a_second_sibling(world: World) -> None:
    response = world.client("hq").post(url(world.compound_a), {"name": "1号楼\u200b"})
    assert response.status_code == 400
    assert "已有名为“1号楼”的节点" in response.content.decode()
    response = world.client("hq").post(url(world.compound_a), {"name": "\u200b9号楼"})
    assert response.status_code == 302
    assert world.compound_a.children.filter(name="9号楼").exists()


def test_it_refuses_households_on_a_new_community(world: World) -> None:
    response = world.client("hq").post(
        url(world.subdistrict), {"name": "丰庆社区", "expected_households": "800"}
    )
    assert response.status_code == 400
    assert "社区/村的应有户数不计入覆盖率" in response.content.decode()
    assert not Area.objects.filter(name="丰庆社区").exists()


def test_a_new_compound_takes_households_until_it_has_buildings(world: World) -> None:
    response = world.client("hq").post(
        url(world.community_a), {"name": "三组", "expected_households": "40"}
    )
    assert response.status_code == 302
    assert Area.objects.get(name="三组").expected_households == 40


@pytest.mark.parametrize("name", ["=SUM(A1)", "+1号楼", "-1号楼", "@楼", " =1"])
def test_it_refuses_a_name_a_spreadsheet_would_run(world: World, name: str) -> None:
    response = world.client("hq").post(url(world.compound_a), {"name": name})
    assert response.status_code == 400
    assert NAME_START_MESSAGE in response.content.decode()
    assert Area.objects.filter(parent=world.compound_a).count() == 2
