"""A node with no other node of its parent's kind in the user's area to go to: the
move page says so, instead of an empty list and a button that can only fail."""

from __future__ import annotations

from django.urls import reverse

from shouwang.areas.tests.factories import child
from shouwang.core.tests.personas import World


def move_url(pk: int) -> str:
    return reverse("areas:node_move", kwargs={"pk": pk})


def test_a_community_with_no_other_subdistrict_to_go_to_is_told_so(world: World) -> None:
    response = world.client("hq").get(move_url(world.community_a.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "您的辖区内没有其他街道/乡镇可以移入，无法移动“西城社区”" in page
    assert 'name="new_parent"' not in page
    back = reverse("areas:node", kwargs={"pk": world.community_a.pk})
    assert f'<a href="{back}">返回西城社区</a>' in page


def test_a_compound_with_somewhere_to_go_gets_the_form(world: World) -> None:
    page = world.client("hq").get(move_url(world.compound_a.pk)).content.decode()
    assert 'name="new_parent"' in page
    assert "无法移动" not in page


def test_the_form_comes_back_once_there_is_a_target(world: World) -> None:
    child(world.district, "东湖街道")
    hq = world.client("hq")
    page = hq.get(move_url(world.community_a.pk)).content.decode()
    assert "无法移动" in page  # 东湖街道 is outside the HQ admin's sub-district
    world.hq.area = world.district
    world.hq.save(update_fields=["area"])
    page = hq.get(move_url(world.community_a.pk)).content.decode()
    assert 'name="new_parent"' in page
