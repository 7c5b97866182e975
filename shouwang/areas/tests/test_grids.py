"""Grids: community staff keep the grids of their own community."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.areas import actions
from shouwang.areas.models import Grid
from shouwang.areas.tests.factories import child
from shouwang.core.tests.personas import World

CREATE = reverse("areas:grid_create")


def edit_url(grid: Grid) -> str:
    return reverse("areas:grid_edit", kwargs={"pk": grid.pk})


def grid_b(world: World) -> Grid:
    return Grid.objects.create(name="八一第1网格", community=world.community_b)


def grid_names(world: World, persona: str) -> list[str]:
    response = world.client(persona).get(reverse("areas:grids"))
    return [g.name for g in response.context["grids"]]


def test_the_list_shows_the_users_community_only(world: World) -> None:
    grid_b(world)
    assert grid_names(world, "staff_a") == ["西城第1网格"]
    assert grid_names(world, "staff_b") == ["八一第1网格"]
    assert sorted(grid_names(world, "hq")) == ["八一第1网格", "西城第1网格"]


def test_a_disabled_account_is_no_longer_listed_as_responsible(world: World) -> None:
    hq = world.client("hq")
    assert str(world.grid_worker_a) in hq.get(reverse("areas:grids")).content.decode()
    hq.post(reverse("accounts:user_toggle_active", kwargs={"pk": world.grid_worker_a.pk}))
    page = hq.get(reverse("areas:grids")).content.decode()
    assert str(world.grid_worker_a) not in page
    assert '<span class="bad">未指定</span>' in page
    home = world.client("staff_a").get(reverse("core:home")).content.decode()
    assert str(world.grid_worker_a) not in home


def test_the_list_uses_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    for n in range(20):
        grid = Grid.objects.create(name=f"网格{n}", community=world.community_a)
        grid.compounds.add(world.compound_a)
        grid.staff.add(world.grid_worker_a)
    client = world.client("hq")
    with django_assert_max_num_queries(10):
        client.get(reverse("areas:grids"))


def test_staff_create_a_grid_in_their_community(world: World) -> None:
    compound = child(world.community_a, "西城新苑")
    response = world.client("staff_a").post(
        CREATE,
        {
            "name": "西城第2网格",
            "community": world.community_a.pk,
            "compounds": [compound.pk],
            "staff": [world.grid_worker_a.pk],
        },
    )
    assert response.status_code == 302
    grid = Grid.objects.get(name="西城第2网格")
    assert list(grid.compounds.all()) == [compound]
    assert list(grid.staff.all()) == [world.grid_worker_a]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert (event.user, event.area) == (world.staff_a, world.community_a)


def test_staff_cannot_create_a_grid_in_another_community(world: World) -> None:
    response = world.client("staff_a").post(
        CREATE, {"name": "越界网格", "community": world.community_b.pk}
    )
    assert response.status_code == 400
    assert not Grid.objects.filter(name="越界网格").exists()


def test_staff_cannot_add_a_compound_of_another_community(world: World) -> None:
    response = world.client("staff_a").post(
        CREATE,
        {"name": "越界网格", "community": world.community_a.pk, "compounds": [world.compound_b.pk]},
    )
    assert response.status_code == 400
    assert not Grid.objects.filter(name="越界网格").exists()


def test_hq_cannot_mix_communities(world: World) -> None:
    client = world.client("hq")
    response = client.post(
        CREATE,
        {"name": "混合网格", "community": world.community_a.pk, "compounds": [world.compound_b.pk]},
    )
    assert "“八一新苑”不是本社区的小区" in response.content.decode()
    response = client.post(
        CREATE,
        {"name": "混合网格", "community": world.community_a.pk, "staff": [world.staff_b.pk]},
    )
    assert "不是本社区的工作人员" in response.content.decode()
    assert not Grid.objects.filter(name="混合网格").exists()


def test_a_compound_belongs_to_one_grid(world: World) -> None:
    # 西城花园 is in 西城第1网格: a second grid would leave its key persons to whichever
    # grid came first, and count its households in both grids' coverage.
    response = world.client("staff_a").post(
        CREATE,
        {
            "name": "西城第2网格",
            "community": world.community_a.pk,
            "compounds": [world.compound_a.pk],
            "staff": [world.grid_worker_a.pk],
        },
    )
    assert response.status_code == 400
    assert (
        "“西城花园”已在网格“西城第1网格”中，一个小区只能属于一个网格。"
        "请先在该网格中去掉这个小区" in response.content.decode()
    )
    assert not Grid.objects.filter(name="西城第2网格").exists()


def test_a_grid_saved_again_keeps_its_own_compounds(world: World) -> None:
    response = world.client("staff_a").post(
        edit_url(world.grid_a),
        {
            "name": "西城第1网格",
            "community": world.community_a.pk,
            "compounds": [world.compound_a.pk],
            "staff": [world.grid_worker_a.pk],
            "notes": "早晚各巡查一次",
        },
    )
    assert response.status_code == 302
    assert list(Grid.objects.get(pk=world.grid_a.pk).compounds.all()) == [world.compound_a]


def test_it_refuses_a_duplicate_name_in_the_community(world: World) -> None:
    response = world.client("staff_a").post(
        CREATE, {"name": "西城第1网格", "community": world.community_a.pk}
    )
    assert response.status_code == 400
    assert Grid.objects.filter(name="西城第1网格").count() == 1


def test_staff_edit_their_grid(world: World) -> None:
    response = world.client("staff_a").post(
        edit_url(world.grid_a),
        {"name": "西城一网格", "community": world.community_a.pk, "compounds": [], "staff": []},
    )
    assert response.status_code == 302
    grid = Grid.objects.get(pk=world.grid_a.pk)
    assert grid.name == "西城一网格"
    assert not grid.compounds.exists()
    assert AuditEvent.objects.get(action=AuditEvent.Action.UPDATE).object_id == str(grid.pk)


def test_the_edit_form_starts_from_the_saved_grid(world: World) -> None:
    form = world.client("staff_a").get(edit_url(world.grid_a)).context["form"]
    assert form.fields["compounds"].initial == [world.compound_a]
    assert form.fields["staff"].initial == [world.grid_worker_a]


def test_staff_of_a_get_404_for_a_grid_of_b(world: World) -> None:
    grid = grid_b(world)
    client = world.client("staff_a")
    assert client.get(edit_url(grid)).status_code == 404
    assert (
        client.post(edit_url(grid), {"name": "x", "community": world.community_a.pk}).status_code
        == 404
    )
    assert Grid.objects.get(pk=grid.pk).name == "八一第1网格"


def test_grid_workers_and_leaders_only_read(world: World) -> None:
    for persona in ("grid_a", "leader"):
        assert world.client(persona).get(reverse("areas:grids")).status_code == 200
        assert world.client(persona).get(CREATE).status_code == 403


def test_a_duplicate_name_is_refused_in_plain_chinese(world: World) -> None:
    for name in ("西城第1网格", "西城第 1 网格", "西城第1网格\u200b"):
        response = world.client("staff_a").post(
            CREATE, {"name": name, "community": world.community_a.pk}
        )
        assert response.status_code == 400, name
        assert "本社区已有" in response.content.decode()
        assert "相同的网格" not in response.content.decode()
    assert Grid.objects.filter(community=world.community_a).count() == 1


def test_a_grid_name_of_unseen_characters_only_is_refused(world: World) -> None:
    response = world.client("staff_a").post(
        CREATE, {"name": "\u200b", "community": world.community_a.pk}
    )
    assert response.status_code == 400
    assert "名称不能为空" in response.content.decode()
    assert Grid.objects.filter(community=world.community_a).count() == 1


def test_a_refused_rename_shows_the_submitted_name_under_the_saved_title(world: World) -> None:
    other = Grid.objects.create(name="西城第2网格", community=world.community_a)
    response = world.client("staff_a").post(
        edit_url(other),
        {"name": world.grid_a.name, "community": world.community_a.pk, "notes": "改名"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "本社区已有同名网格" in page
    assert "<h1>编辑网格 西城第2网格</h1>" in page
    assert f'value="{world.grid_a.name}"' in page
    assert "改名" in page
    assert response.context["grid"].name == "西城第2网格"
    assert Grid.objects.get(pk=other.pk).name == "西城第2网格"


def test_only_grid_workers_and_community_staff_answer_for_a_grid(world: World) -> None:
    # A grid's first worker takes its key persons' follow-ups (watch): a read-only
    # leader, or a checkpoint volunteer, cannot do them.
    leader_a = UserFactory(username="leader_a", role=Role.LEADER, area=world.community_a)
    client = world.client("staff_a")
    offered = list(client.get(CREATE).context["form"].fields["staff"].queryset)
    assert offered == [world.grid_worker_a, world.staff_a]
    for member in (leader_a, world.guard_a):
        response = client.post(
            CREATE, {"name": "西城第2网格", "community": world.community_a.pk, "staff": [member.pk]}
        )
        assert response.status_code == 400
        assert not Grid.objects.filter(name="西城第2网格").exists()
    with pytest.raises(ValidationError, match=f"“{world.guard_a}”是卡点值守，不能担任网格责任人"):
        actions.save_grid(
            grid=Grid(name="西城第2网格", community=world.community_a),
            compounds=[],
            staff=[world.guard_a],
            by=world.staff_a,
        )
    assert not Grid.objects.filter(name="西城第2网格").exists()
