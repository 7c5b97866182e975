"""A compound with buildings keeps its households in the buildings: its page sends
the worker to a building, instead of saying 还没有登记任何户 under the buildings'
totals and offering a 登记新户 that would put a flat outside every building (and
outside the buildings' coverage)."""

from django.urls import reverse

from shouwang.areas.tests.factories import child


def test_a_compound_with_buildings_sends_the_worker_to_a_building(world, ledger):
    page = world.client("staff_a").get(reverse("people:area", args=[world.compound_a.pk]))
    text = page.content.decode()
    assert "各楼栋合计：已登记 2 户" in text
    assert "还没有登记任何户" not in text
    assert reverse("people:household_create", args=[world.compound_a.pk]) not in text
    assert "请选择楼栋" in text
    for building in (world.building_a, world.building_a2):
        assert f'href="{reverse("people:area", args=[building.pk])}"' in text


def test_a_compound_without_buildings_registers_its_households_itself(world):
    village = child(world.community_a, "王庄")
    page = world.client("staff_a").get(reverse("people:area", args=[village.pk]))
    text = page.content.decode()
    assert reverse("people:household_create", args=[village.pk]) in text
    assert "还没有登记任何户" in text
