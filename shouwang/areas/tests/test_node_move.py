"""Moving a node re-hangs its whole subtree: every path below it is rewritten."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.areas import actions
from shouwang.areas.models import Area, Grid
from shouwang.areas.tests.factories import child
from shouwang.core.tests.personas import World


def url(area: Area) -> str:
    return reverse("areas:node_move", kwargs={"pk": area.pk})


def test_it_offers_parents_of_the_right_kind_other_than_its_own(world: World) -> None:
    response = world.client("hq").get(url(world.compound_a))
    choices = list(response.context["form"].fields["new_parent"].queryset)
    assert choices == [world.community_b]


def test_the_page_says_that_past_records_follow_the_node(world: World) -> None:
    page = world.client("hq").get(url(world.compound_a)).content.decode()
    assert (
        "它过去的通行登记、物资流水等记录也随之归入新的上级，按新的归属统计；"
        "已上报的日报数字不变" in page
    )


def test_it_moves_a_compound_with_its_buildings(world: World) -> None:
    response = world.client("hq").post(
        url(world.compound_a), {"new_parent": world.community_b.pk, "confirmed": "True"}
    )
    assert response.status_code == 302
    compound = Area.objects.get(pk=world.compound_a.pk)
    assert compound.parent == world.community_b
    assert compound.path.startswith(world.community_b.path)
    for building in (world.building_a, world.building_a2):
        moved = Area.objects.get(pk=building.pk)
        assert moved.path.startswith(compound.path)
        assert moved.depth == building.depth
    assert set(Area.objects.within(world.community_b).buildings()) == {
        world.building_a,
        world.building_a2,
        world.building_b,
    }
    assert not Area.objects.within(world.community_a).buildings().exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.detail == "移动：西城社区 → 八一社区；小区“西城花园”移出网格“西城第1网格”"


def test_it_rewrites_every_level_of_a_moved_community(world: World) -> None:
    district_hq = UserFactory(username="district_hq", role=Role.HQ_ADMIN, area=world.district)
    other = child(world.district, "东区街道")
    client = Client()
    client.force_login(district_hq)
    client.post(url(world.community_a), {"new_parent": other.pk})
    below = Area.objects.within(other)
    assert set(below.values_list("name", flat=True)) == {
        "东区街道",
        "西城社区",
        "西城花园",
        "1号楼",
        "2号楼",
    }
    assert all(a.depth == len(a.path) // 6 - 1 for a in below)
    assert Area.objects.get(pk=world.building_a.pk).full_name() == "东区街道西城社区西城花园1号楼"


def test_it_refuses_its_own_subtree(world: World) -> None:
    for target in (world.compound_a, world.building_a):
        with pytest.raises(ValidationError, match="不能移动到自身或其下级节点之下"):
            actions.move_area(area=world.compound_a, new_parent=target, by=world.hq)
    response = world.client("hq").post(url(world.compound_a), {"new_parent": world.compound_a.pk})
    assert response.status_code == 400
    assert Area.objects.get(pk=world.compound_a.pk).parent == world.community_a


def test_it_refuses_a_parent_of_the_wrong_kind(world: World) -> None:
    with pytest.raises(ValidationError, match="下只能建立"):
        actions.move_area(area=world.building_b, new_parent=world.community_a, by=world.hq)


def test_it_refuses_a_parent_with_a_child_of_the_same_name(world: World) -> None:
    response = world.client("hq").post(url(world.building_b), {"new_parent": world.compound_a.pk})
    assert "已有名为“1号楼”的节点" in response.content.decode()
    assert Area.objects.get(pk=world.building_b.pk).parent == world.compound_b


def test_the_users_own_root_cannot_move(world: World) -> None:
    assert world.client("hq").get(url(world.subdistrict)).status_code == 404


def test_community_staff_cannot_move(world: World) -> None:
    response = world.client("staff_a").post(
        url(world.building_a), {"new_parent": world.compound_b.pk}
    )
    assert response.status_code == 403
    assert Area.objects.get(pk=world.building_a.pk).parent == world.compound_a


def test_a_moved_compound_leaves_the_grids_of_its_old_community(world: World) -> None:
    keeper = UserFactory(username="keeper", role=Role.GRID_WORKER, area=world.compound_a)
    world.grid_a.staff.add(keeper)
    grid_b = Grid.objects.create(name="八一第1网格", community=world.community_b)
    grid_b.compounds.add(world.compound_b)
    world.client("hq").post(
        url(world.compound_a), {"new_parent": world.community_b.pk, "confirmed": "True"}
    )
    assert list(world.grid_a.compounds.all()) == []
    assert list(world.grid_a.staff.all()) == [world.grid_worker_a]
    assert list(grid_b.compounds.all()) == [world.compound_b]
    # The old grid saves again as it is (it no longer names a compound of another community).
    response = world.client("hq").post(
        reverse("areas:grid_edit", kwargs={"pk": world.grid_a.pk}),
        {
            "name": "西城第1网格",
            "community": world.community_a.pk,
            "staff": [world.grid_worker_a.pk],
        },
    )
    assert response.status_code == 302


def test_a_community_moves_with_its_grids(world: World) -> None:
    district_hq = UserFactory(username="district_hq", role=Role.HQ_ADMIN, area=world.district)
    other = child(world.district, "东区街道")
    actions.move_area(area=world.community_a, new_parent=other, by=district_hq)
    assert list(world.grid_a.compounds.all()) == [world.compound_a]
    assert list(world.grid_a.staff.all()) == [world.grid_worker_a]


def test_it_refuses_a_parent_with_a_child_of_the_same_name_spelled_otherwise(
    world: World,
) -> None:
    # A name typed before names were kept in one spelling.
    Area.objects.filter(pk=world.building_b.pk).update(name="１ 号楼")
    response = world.client("hq").post(url(world.building_b), {"new_parent": world.compound_a.pk})
    assert response.status_code == 400
    assert Area.objects.get(pk=world.building_b.pk).parent == world.compound_b


def test_a_move_to_the_current_parent_is_refused_and_changes_nothing(world: World) -> None:
    before = Area.objects.get(pk=world.compound_a.pk)
    response = world.client("hq").post(url(world.compound_a), {"new_parent": world.community_a.pk})
    assert response.status_code == 400
    # Not offered, but a page drawn before someone else moved it there sends it.
    assert "“西城花园”已在“西城社区”之下，请选择另一个上级" in response.content.decode()
    after = Area.objects.get(pk=world.compound_a.pk)
    assert (after.parent_id, after.path, after.updated_at) == (
        before.parent_id,
        before.path,
        before.updated_at,
    )
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_the_action_refuses_a_move_to_the_current_parent(world: World) -> None:
    with pytest.raises(ValidationError, match="已在“西城社区”之下"):
        actions.move_area(area=world.compound_a, new_parent=world.community_a, by=world.hq)


@pytest.mark.parametrize("confirmed", ["maybe", "0 ", "yes", "on", "1"])
def test_only_the_confirmation_the_page_sends_moves(world: World, confirmed: str) -> None:
    response = world.client("hq").post(
        url(world.compound_a), {"new_parent": world.community_b.pk, "confirmed": confirmed}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "确认无效" in page
    # The move is asked again, the value not carried into it.
    assert f'name="confirmed" value="{confirmed}"' not in page
    assert 'name="new_parent"' in page
    assert Area.objects.get(pk=world.compound_a.pk).parent == world.community_a
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


@pytest.mark.parametrize("target", ["compound_a", "building_a"])
def test_a_move_into_its_own_subtree_is_refused_in_words(world: World, target: str) -> None:
    for confirmed in ("", "True"):
        response = world.client("hq").post(
            url(world.compound_a),
            {"new_parent": getattr(world, target).pk, "confirmed": confirmed},
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "不能移动到自身或其下级节点之下" in page
        assert "所选的项不在可选范围内" not in page
    assert Area.objects.get(pk=world.compound_a.pk).parent == world.community_a
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_a_move_under_a_node_of_the_wrong_kind_is_refused_in_words(world: World) -> None:
    response = world.client("hq").post(
        url(world.compound_a), {"new_parent": world.subdistrict.pk, "confirmed": "True"}
    )
    assert response.status_code == 400
    assert "下只能建立社区/村" in response.content.decode()
    assert Area.objects.get(pk=world.compound_a.pk).parent == world.community_a


def test_a_node_out_of_sight_is_still_not_a_choice(world: World) -> None:
    elsewhere = child(child(world.district, "东区街道"), "东风社区")
    response = world.client("hq").post(
        url(world.compound_a), {"new_parent": elsewhere.pk, "confirmed": "True"}
    )
    assert response.status_code == 400
    assert Area.objects.get(pk=world.compound_a.pk).parent == world.community_a


def test_a_move_under_a_building_is_refused_in_words(world: World) -> None:
    response = world.client("hq").post(
        url(world.compound_a), {"new_parent": world.building_b.pk, "confirmed": "True"}
    )
    assert response.status_code == 400
    assert "（楼栋）下不能再建下级" in response.content.decode()
