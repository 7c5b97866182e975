"""Two people saving the same name at the same moment: both pass the check, the
database refuses the second, who gets the same message as a later duplicate — a 400,
nothing written, never a 500 (see ``shouwang.core.tests.races``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shouwang.areas import actions, importing
from shouwang.areas.models import Area, Grid
from shouwang.areas.tests.factories import child
from shouwang.areas.tests.test_import import COMMIT, upload, xlsx
from shouwang.core.tests.personas import World
from shouwang.core.tests.races import rival_after_checks, stale_first_call


def _unseen(self, *args) -> bool:
    return False


def test_a_node_created_at_the_same_moment_gets_the_message(world: World) -> None:
    child(world.compound_a, "9号楼")
    count = Area.objects.count()
    with stale_first_call(Area, "name_taken", _unseen):
        response = world.client("hq").post(
            reverse("areas:node_create", kwargs={"pk": world.compound_a.pk}), {"name": "9号楼"}
        )
    assert response.status_code == 400
    assert "“西城花园”下已有名为“9号楼”的节点，请换一个名称" in response.content.decode()
    assert Area.objects.count() == count


def test_a_rename_to_a_name_taken_at_the_same_moment_gets_the_message(world: World) -> None:
    child(world.compound_a, "9号楼")
    with stale_first_call(Area, "name_taken", _unseen):
        response = world.client("hq").post(
            reverse("areas:node_edit", kwargs={"pk": world.building_a2.pk}), {"name": "9号楼"}
        )
    assert response.status_code == 400
    assert "“西城花园”下已有名为“9号楼”的节点，请换一个名称" in response.content.decode()
    assert Area.objects.get(pk=world.building_a2.pk).name == "2号楼"


def test_a_move_beside_a_namesake_added_at_the_same_moment_gets_the_message(
    world: World,
) -> None:
    twin = child(world.compound_a, "8号楼")
    moving = child(world.compound_b, "8号楼")
    path = moving.path
    with stale_first_call(Area, "name_taken", _unseen):
        response = world.client("hq").post(
            reverse("areas:node_move", kwargs={"pk": moving.pk}),
            {"new_parent": world.compound_a.pk},
        )
    assert response.status_code == 400
    assert "“西城花园”下已有名为“8号楼”的节点" in response.content.decode()
    moving.refresh_from_db()
    assert (moving.parent, moving.path) == (world.compound_b, path)
    assert list(world.compound_a.children.filter(name="8号楼")) == [twin]


def test_a_grid_named_at_the_same_moment_gets_the_message(world: World) -> None:
    count = Grid.objects.count()
    with rival_after_checks(Grid), stale_first_call(Grid, "name_taken", _unseen):
        response = world.client("staff_a").post(
            reverse("areas:grid_create"),
            {"name": world.grid_a.name, "community": world.community_a.pk},
        )
    assert response.status_code == 400
    assert f"本社区已有名为“{world.grid_a.name}”的网格" in response.content.decode()
    assert Grid.objects.count() == count


def test_an_import_committed_at_the_same_moment_as_another_reuses_its_nodes(
    world: World, monkeypatch
) -> None:
    """The other import adds 丰庆社区 after this one's plan: this one's commit is
    refused that name and files its rows under the other's node."""
    create = actions.create_area
    rivals: list[Area] = []

    def other_import_first(**kwargs) -> Area:
        if not rivals:
            rivals.append(create(**kwargs))
        return create(**kwargs)

    monkeypatch.setattr(importing.actions, "create_area", other_import_first)
    client = world.client("hq")
    token = upload(client, xlsx([["", "", "丰庆社区", "丰庆小区", "1号楼", ""]])).context["token"]
    response = client.post(COMMIT, {"token": token}, follow=True)
    assert response.status_code == 200
    assert "导入完成：新建 2 个节点" in response.content.decode()
    community = Area.objects.get(name="丰庆社区")
    assert community == rivals[0]
    assert list(community.descendants().buildings().values_list("name", flat=True)) == ["1号楼"]


def test_a_rename_lost_to_a_rival_shows_the_saved_title(world: World) -> None:
    child(world.compound_a, "9号楼")
    with stale_first_call(Area, "name_taken", _unseen):
        response = world.client("hq").post(
            reverse("areas:node_edit", kwargs={"pk": world.building_a2.pk}), {"name": "9号楼"}
        )
    assert "<h1>编辑 2号楼</h1>" in response.content.decode()
    assert 'value="9号楼"' in response.content.decode()


def test_a_move_lost_to_a_rival_leaves_the_node_as_saved(world: World) -> None:
    child(world.compound_a, "8号楼")
    moving = child(world.compound_b, "8号楼")
    path = moving.path
    with stale_first_call(Area, "name_taken", _unseen), pytest.raises(ValidationError):
        actions.move_area(area=moving, new_parent=world.compound_a, by=world.hq)
    # The object the page is built from: its parent and path as saved, not as tried.
    assert (moving.parent, moving.path) == (world.compound_b, path)


def test_a_refused_move_shows_the_submitted_parent_and_the_saved_node(world: World) -> None:
    child(world.compound_a, "8号楼")
    moving = child(world.compound_b, "8号楼")
    with stale_first_call(Area, "name_taken", _unseen):
        response = world.client("hq").post(
            reverse("areas:node_move", kwargs={"pk": moving.pk}),
            {"new_parent": world.compound_a.pk, "confirmed": "True"},  # no rehearsal first
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>移动 8号楼</h1>" in page
    assert f'<option value="{world.compound_a.pk}" selected>' in page
    assert response.context["area"].parent == world.compound_b


def test_a_move_read_before_a_rivals_move_moves_the_node_as_it_is_now(world: World) -> None:
    # Two admins move the same compound at the same moment: the second read it (and its
    # new parent) before the first's move committed. Its move starts from where the
    # compound is now, so parent and path agree and the buildings come along.
    stale = Area.objects.get(pk=world.compound_a.pk)
    third = child(world.subdistrict, "丰庆社区")
    actions.move_area(area=world.compound_a, new_parent=world.community_b, by=world.hq)
    actions.move_area(area=stale, new_parent=third, by=world.hq)
    compound = Area.objects.get(pk=world.compound_a.pk)
    assert compound.parent == third
    assert compound.path.startswith(third.path)
    assert set(compound.descendants(include_self=False)) == {world.building_a, world.building_a2}


def test_a_compound_put_in_a_second_grid_at_the_same_moment_gets_the_message(
    world: World,
) -> None:
    """Both saves pass ``check_members``; the database holds a compound in one grid."""
    with stale_first_call(Grid, "check_members", lambda *args, **kwargs: None):
        response = world.client("staff_a").post(
            reverse("areas:grid_create"),
            {
                "name": "西城第2网格",
                "community": world.community_a.pk,
                "compounds": [world.compound_a.pk],
            },
        )
    assert response.status_code == 400
    assert (
        "“西城花园”已在网格“西城第1网格”中，一个小区只能属于一个网格。"
        "请先在该网格中去掉这个小区" in response.content.decode()
    )
    assert not Grid.objects.filter(name="西城第2网格").exists()
    assert list(world.compound_a.grid_set.all()) == [world.grid_a]


def test_households_for_a_compound_given_buildings_after_the_check_are_refused(
    world: World, monkeypatch
) -> None:
    """The sheet gives 东院 (no buildings yet) 应有户数; a rival adds its first building
    after the commit's check: the figure would be stored where coverage ignores it."""
    compound = child(world.community_a, "东院")
    client = world.client("hq")
    token = upload(client, xlsx([["", "", "西城社区", "东院", "", 30]])).context["token"]
    check = importing._check_households

    def rival_after_check(result, root_level) -> None:
        check(result, root_level)
        child(compound, "1号楼")

    monkeypatch.setattr(importing, "_check_households", rival_after_check)
    count = Area.objects.count()
    response = client.post(COMMIT, {"token": token}, follow=True)
    assert response.status_code == 200  # back to the upload page, with the message
    assert "“东院”已有楼栋，应有户数按各楼栋合计" in response.content.decode()
    compound.refresh_from_db()
    assert compound.expected_households is None
    assert Area.objects.count() == count + 1  # the rival's building only
