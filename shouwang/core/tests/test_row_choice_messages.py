"""A row id the form did not offer (a deleted row, another community's, a number typed
into the page) is refused with a Chinese message saying what to do — never Django's
"选择一个有效的选项。42 不在可用的选项中", which shows the raw database id."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.core.tests.personas import World
from shouwang.people.tests.factories import make_household

pytestmark = pytest.mark.django_db

BOGUS = "987654321"
DJANGO_SAYS = ("选择一个有效的选项", "不在可用的选项中", "不是有效的值")


def assert_clear(body: str, message: str) -> None:
    assert message in body
    assert BOGUS not in body
    for words in DJANGO_SAYS:
        assert words not in body, words


def checkpoint_data(world: World, staff: list) -> dict:
    return {
        "area": world.compound_a.pk,
        "name": "西城花园西门",
        "kind": "gate",
        "directions": "both",
        "active": "on",
        "staff": staff,
    }


@pytest.mark.parametrize("staff", [[BOGUS], ["abc"]])
def test_the_checkpoint_form_says_the_staff_member_is_not_offered(world, staff) -> None:
    from shouwang.checkpoints.models import Checkpoint

    response = world.client("staff_a").post(
        reverse("checkpoints:create"), checkpoint_data(world, staff)
    )
    assert response.status_code == 400
    assert_clear(response.content.decode(), "所选值守人员不在可选范围内或已不存在")
    assert not Checkpoint.objects.exists()


def test_the_checkpoint_edit_form_refuses_another_community_s_staff_member(world) -> None:
    from shouwang.checkpoints.tests.factories import make_checkpoint

    gate = make_checkpoint(world.compound_a, "西城花园东门")
    response = world.client("staff_a").post(
        reverse("checkpoints:edit", args=[gate.pk]),
        checkpoint_data(world, [world.staff_b.pk, BOGUS]),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert_clear(body, "所选值守人员不在可选范围内或已不存在")
    assert f'value="{world.staff_b.pk}"' not in body
    assert not gate.staff.exists()


def test_the_person_form_says_the_tag_is_not_offered(world) -> None:
    household = make_household(world.building_a, room="502")
    response = world.client("staff_a").post(
        reverse("people:person_create", args=[household.pk]),
        {
            "name": "刘备",
            "doc_type": "id_card",
            "doc_number": "410105199001011233",
            "phone": "13800138000",
            "relation": "tenant",
            "residence_type": "temporary",
            "tags": [BOGUS],
        },
    )
    assert response.status_code == 400
    assert_clear(response.content.decode(), "所选标签不在可选范围内或已不存在")


def test_the_back_office_grid_form_says_the_staff_member_is_not_offered(world) -> None:
    url = reverse("admin:areas_grid_change", args=[world.grid_a.pk])
    body = {"name": "西城第1网格", "notes": "", "compounds": [world.compound_a.pk]}
    response = world.client("hq").post(url, {**body, "staff": [BOGUS]})
    assert response.status_code == 200  # the form again, with the error
    assert_clear(response.content.decode(), "不在可选范围内或已不存在")
