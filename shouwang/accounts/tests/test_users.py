from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.tests.factories import UserFactory
from shouwang.core.tests.personas import World

URL = reverse("accounts:users")


def test_it_lists_the_accounts_of_the_subtree_with_masked_phones(world: World) -> None:
    response = world.client("hq").get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "staff_a" in body
    assert "staff_b" in body
    assert "138****0002" in body
    assert "13800000002" not in body


def test_it_filters_by_name_and_role(world: World) -> None:
    response = world.client("hq").get(URL, {"q": "staff", "role": "community_staff"})
    rows = [u.username for u in response.context["page"]]
    assert rows == ["staff_a", "staff_b"]


def test_it_serves_the_rows_fragment_to_htmx(world: World) -> None:
    response = world.client("hq").get(URL, {"q": "staff_a"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="rows"' in body


def test_it_uses_a_fixed_number_of_queries(world: World, django_assert_max_num_queries) -> None:
    for n in range(30):
        UserFactory(username=f"extra{n}", area=world.community_a, phone=f"1390000{n:04d}")
    client = world.client("hq")
    with django_assert_max_num_queries(8):
        client.get(URL)


def test_others_get_403(world: World) -> None:
    for persona in ("leader", "auditor", "staff_a", "grid_a", "guard_a"):
        assert world.client(persona).get(URL).status_code == 403, persona


def test_a_refused_filter_says_so_and_lists_nothing(world: World) -> None:
    client = world.client("hq")
    for params, message in (
        ({"role": "superuser"}, "角色：所选的“superuser”不在可选范围内"),
        ({"q": "staff\x00"}, "搜索：不能含有空字符"),
        ({"q": "x" * 51}, "搜索：最多 50 个字"),
    ):
        response = client.get(URL, params)
        assert response.status_code == 400, params
        assert "筛选条件有误，未显示记录" in response.content.decode()
        assert message in response.content.decode()
        assert list(response.context["page"]) == []
        fragment = client.get(URL, params, headers={"HX-Request": "true"})
        assert fragment.status_code == 400
        assert "筛选条件有误" in fragment.content.decode()
    assert client.get(URL, {"role": "auditor"}).status_code == 200


def test_the_filter_swaps_the_rows_it_targets_whole(world: World) -> None:
    body = world.client("hq").get(URL).content.decode()
    assert 'hx-target="#rows" hx-swap="outerHTML"' in body
    assert body.count('id="rows"') == 1
