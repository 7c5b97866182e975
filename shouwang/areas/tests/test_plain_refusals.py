"""The areas pages refuse in plain Chinese: a name a sibling bears in one wording
whether the node is new, renamed, moved or edited in the back office; a grid form
naming a compound or a person the user cannot choose without repeating the raw id;
an account bound to no area told so, and who sets it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import User
from shouwang.areas.models import Area, Grid
from shouwang.core.tests.personas import World

pytestmark = pytest.mark.django_db

TAKEN = "“西城花园”下已有名为“1号楼”的节点，请换一个名称"


def test_creating_and_renaming_to_a_sibling_s_name_say_the_same(world: World) -> None:
    client = world.client("hq")
    created = client.post(
        reverse("areas:node_create", kwargs={"pk": world.compound_a.pk}), {"name": "1号楼"}
    )
    renamed = client.post(
        reverse("areas:node_edit", kwargs={"pk": world.building_a2.pk}), {"name": "1号楼"}
    )
    assert created.status_code == renamed.status_code == 400
    assert TAKEN in created.content.decode()
    assert TAKEN in renamed.content.decode()
    assert Area.objects.filter(parent=world.compound_a, name="1号楼").count() == 1


def test_the_back_office_says_it_in_the_same_words(world: World) -> None:
    response = world.client("hq").post(
        reverse("admin:areas_area_change", args=[world.building_a2.pk]),
        {"name": "1号楼", "code": "", "expected_households": "4", "notes": ""},
    )
    assert TAKEN in response.content.decode()


@pytest.mark.parametrize("field", ["compounds", "staff"])
def test_a_tampered_grid_form_is_refused_without_the_raw_id(world: World, field: str) -> None:
    outside = {"compounds": world.compound_b.pk, "staff": world.staff_b.pk}[field]
    for value in (outside, 987654321):
        response = world.client("staff_a").post(
            reverse("areas:grid_edit", kwargs={"pk": world.grid_a.pk}),
            {"name": "西城第1网格", "community": world.community_a.pk, field: [value]},
        )
        assert response.status_code == 400
        errors = re.findall(r'<p class="error">(.*?)</p>', response.content.decode())
        assert not [e for e in errors if str(value) in e], errors
        message = {
            "compounds": "所选小区不在您的辖区内或已不存在，请刷新页面后重新选择",
            "staff": "所选责任人不在您的辖区内或已停用，请刷新页面后重新选择",
        }[field]
        assert message in errors
    assert list(Grid.objects.get(pk=world.grid_a.pk).compounds.all()) == [world.compound_a]


def test_an_account_bound_to_no_area_is_told_so(world: World) -> None:
    root = User.objects.create_superuser(username="root", password="x-Very-long-pass-123")
    client = Client(raise_request_exception=False)
    client.force_login(root)
    response = client.get(reverse("areas:tree"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "您的账号尚未绑定辖区" in html
    assert "请指挥部管理员在“账号管理”中为您的账号设置所属辖区" in html
