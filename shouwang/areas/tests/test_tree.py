"""Browsing the jurisdiction tree: each user sees their own subtree only."""

from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.models import User
from shouwang.accounts.roles import Role
from shouwang.areas.models import Area
from shouwang.areas.tests.factories import child
from shouwang.core.tests.personas import World


def node_url(area: Area) -> str:
    return reverse("areas:node", kwargs={"pk": area.pk})


def test_it_opens_the_users_own_area(world: World) -> None:
    response = world.client("staff_a").get(reverse("areas:tree"))
    assert response["Location"] == node_url(world.community_a)


def test_it_shows_the_children_and_grids_of_a_community(world: World) -> None:
    response = world.client("staff_a").get(node_url(world.community_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "西城花园" in body
    assert "西城第1网格" in body
    assert "下级小区/自然村/村民组（1）" in body


def test_it_shows_crumbs_inside_the_subtree_only(world: World) -> None:
    response = world.client("staff_a").get(node_url(world.building_a))
    assert [a.name for a in response.context["crumbs"]] == ["西城社区", "西城花园"]
    response = world.client("hq").get(node_url(world.building_a))
    assert [a.name for a in response.context["crumbs"]] == ["明湖街道", "西城社区", "西城花园"]


def test_staff_of_a_get_404_for_nodes_of_b_and_above(world: World) -> None:
    client = world.client("staff_a")
    for area in (world.community_b, world.compound_b, world.building_b, world.subdistrict):
        assert client.get(node_url(area)).status_code == 404, area.name


def test_it_answers_404_for_a_missing_node(world: World) -> None:
    assert world.client("hq").get(reverse("areas:node", kwargs={"pk": 999999})).status_code == 404


def test_a_user_without_an_area_gets_403(world: World) -> None:
    user = User.objects.create(username="nowhere", role=Role.LEADER)
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(reverse("areas:tree")).status_code == 403  # test_plain_refusals


def test_the_management_buttons_follow_the_capability(world: World) -> None:
    assert "移动" in world.client("hq").get(node_url(world.compound_a)).content.decode()
    leader_page = world.client("leader").get(node_url(world.compound_a)).content.decode()
    assert "移动" not in leader_page
    assert "新建" not in leader_page


def test_it_uses_a_fixed_number_of_queries(world: World, django_assert_max_num_queries) -> None:
    for n in range(40):
        child(world.compound_a, f"{n + 3}号楼")
    client = world.client("hq")
    with django_assert_max_num_queries(9):
        client.get(node_url(world.compound_a))
