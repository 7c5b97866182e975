"""The ledger's breadcrumbs name a building with its compound (西城花园1号楼): every
compound has its 1号楼, so 人员台账 › 1号楼 › 2单元301 says nothing of where."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def crumbs(page: str) -> str:
    start = page.index('<nav class="crumbs">')
    return page[start : page.index("</nav>", start)]


def test_the_person_page_names_the_building_with_its_compound(world, ledger):
    page = world.client("staff_a").get(reverse("people:person", args=[ledger.zhang.pk]))
    nav = crumbs(page.content.decode())
    building = reverse("people:area", args=[world.building_a.pk])
    assert f'<a href="{building}">西城花园1号楼</a>' in nav
    assert f">{ledger.home_a.door}</a>" in nav


def test_the_household_page_and_its_form_name_the_building_with_its_compound(world, ledger):
    client = world.client("staff_a")
    building = reverse("people:area", args=[world.building_a.pk])
    for address in (
        reverse("people:household", args=[ledger.home_a.pk]),
        reverse("people:household_edit", args=[ledger.home_a.pk]),
        reverse("people:household_create", args=[world.building_a.pk]),
    ):
        nav = crumbs(client.get(address).content.decode())
        assert f'<a href="{building}">西城花园1号楼</a>' in nav, address
