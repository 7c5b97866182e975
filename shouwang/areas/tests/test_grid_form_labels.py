"""The grid form names each compound and each person with their community: an HQ
admin chooses among every community's, where two may bear the same name."""

from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.areas.tests.factories import child
from shouwang.core.tests.personas import World


def test_compounds_and_staff_are_named_with_their_community(world: World) -> None:
    child(world.community_b, "西城花园")
    UserFactory(
        username="chen_b", full_name="陈网格", role=Role.GRID_WORKER, area=world.community_b
    )
    UserFactory(username="chen_a", full_name="陈网格", role=Role.GRID_WORKER, area=world.compound_a)
    page = world.client("hq").get(reverse("areas:grid_create")).content.decode()
    assert "西城花园（西城社区）" in page
    assert "西城花园（八一社区）" in page
    assert "陈网格（八一社区）" in page
    assert "陈网格（西城花园）" in page


def test_the_form_uses_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    for n in range(10):
        compound = child(world.community_b, f"小区{n}")
        UserFactory(username=f"worker{n}", role=Role.GRID_WORKER, area=compound)
    hq = world.client("hq")
    with django_assert_max_num_queries(12):
        hq.get(reverse("areas:grid_edit", kwargs={"pk": world.grid_a.pk}))
