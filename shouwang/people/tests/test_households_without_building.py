"""Households registered at a compound (a village group) before it had buildings stay
there when its first building is added: the ledger counts them as 未分配楼栋, lists
them, and moves each one (with its residents) into a building of its compound. An import
checked before the first building appeared, and committed after, does not put rows at
the compound: the commit reads the tree again and refuses them."""

import pytest
from django.urls import reverse

from shouwang.areas.tests.factories import child
from shouwang.people.models import Change, Household, Person
from shouwang.people.tests.factories import (
    ID1,
    ID2,
    make_household,
    make_person,
    template_row,
    workbook_upload,
)


@pytest.fixture
def village(world):
    """王庄: a village group registered without buildings, one household with a resident;
    then its first building, 1号楼, was added."""
    village = child(world.community_a, "王庄")
    home = make_household(village, room="8", unit="")
    make_person(home, "王老五")
    child(village, "1号楼")
    return village


def _move(world, home, building, persona="staff_a"):
    return world.client(persona).post(
        reverse("people:household_move", args=[home.pk]),
        {"building": building.pk if building else "", "version": home.version},
    )


def test_the_ledger_counts_households_without_a_building(world, village):
    text = world.client("staff_a").get(reverse("people:index")).content.decode()
    assert "未分配楼栋（1户）" in text
    assert reverse("people:unplaced") in text


def test_the_ledger_says_nothing_when_every_household_has_its_building(world, village):
    Household.objects.update(area=village.children.get())
    text = world.client("staff_a").get(reverse("people:index")).content.decode()
    assert "未分配楼栋" not in text


def test_the_list_offers_the_buildings_of_the_households_compound(world, village):
    response = world.client("staff_a").get(reverse("people:unplaced"))
    text = response.content.decode()
    assert response.status_code == 200
    assert Household.objects.get().address in text
    assert "王老五" in text
    building = village.children.get()
    assert f'<option value="{building.pk}">1号楼</option>' in text


def test_the_compound_page_lists_them_as_unplaced(world, village):
    text = world.client("staff_a").get(reverse("people:area", args=[village.pk])).content
    text = text.decode()
    assert "未分配楼栋的户（1户）" in text
    home = Household.objects.get()
    assert reverse("people:household_move", args=[home.pk]) in text


def test_coverage_counts_them(world, village):
    text = world.client("staff_a").get(reverse("people:coverage")).content.decode()
    assert "未分配楼栋" in text
    assert f'<td class="num unplaced"><a href="{reverse("people:unplaced")}">1</a></td>' in text


def test_it_moves_a_household_and_its_residents_into_a_building(world, village):
    home = Household.objects.get()
    building = village.children.get()
    response = _move(world, home, building)
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.area == building
    assert list(Person.objects.values_list("area", flat=True)) == [building.pk]
    change = Change.objects.filter(household=home).latest("pk")
    assert change.action == Change.Action.UPDATE
    assert ["楼栋", "王庄", "王庄1号楼"] in change.changes
    text = world.client("staff_a").get(reverse("people:index")).content.decode()
    assert "未分配楼栋" not in text


def test_it_refuses_a_building_of_another_compound(world, village):
    home = Household.objects.get()
    response = _move(world, home, world.building_a)
    assert response.status_code == 400
    assert "请选择本小区（王庄）的楼栋" in response.content.decode()
    home.refresh_from_db()
    assert home.area == village


def test_it_refuses_a_flat_already_registered_in_the_building(world, village):
    home = Household.objects.get()
    building = village.children.get()
    make_household(building, room="8", unit="")
    response = _move(world, home, building)
    assert response.status_code == 400
    assert "该楼栋已登记相同单元和房号的户" in response.content.decode()
    home.refresh_from_db()
    assert home.area == village
    assert Person.objects.get().area == village


def test_it_refuses_a_move_without_a_building(world, village):
    home = Household.objects.get()
    response = _move(world, home, None)
    assert response.status_code == 400
    home.refresh_from_db()
    assert home.area == village


def test_a_stale_form_is_refused(world, village):
    home = Household.objects.get()
    building = village.children.get()
    response = world.client("staff_a").post(
        reverse("people:household_move", args=[home.pk]),
        {"building": building.pk, "version": home.version + 1},
    )
    assert response.status_code == 409
    home.refresh_from_db()
    assert home.area == village


def test_another_community_gets_404(world, village):
    home = Household.objects.get()
    response = _move(world, home, village.children.get(), persona="staff_b")
    assert response.status_code == 404
    assert world.client("staff_b").get(reverse("people:unplaced")).status_code == 200
    assert "王老五" not in world.client("staff_b").get(reverse("people:unplaced")).content.decode()


def test_a_household_in_a_building_is_not_moved_here(world, village):
    home = make_household(world.building_a, room="301")
    response = _move(world, home, world.building_a2)
    assert response.status_code == 404


def test_an_import_row_without_a_building_asks_to_fill_it_in(world, importer):
    problem = importer.refused_row(building="")
    assert problem.message.endswith("请填写楼栋")
    assert "选择" not in problem.message


def test_an_import_row_with_a_residence_card_number_asks_to_write_the_type(world, importer):
    problem = importer.refused_row(doc="910105198005171234")
    assert "证件类型" in problem.message
    assert "选" not in problem.message


def test_a_row_checked_before_the_first_building_is_refused_at_commit(world, importer):
    village = child(world.community_a, "王庄")
    rows = [
        template_row("刘备", ID1, compound="王庄", building="", unit="", room="8"),
        template_row("关羽", ID2, room="302"),
    ]
    job = importer.upload(workbook_upload(rows))
    assert not job.problems.exists()
    child(village, "1号楼")  # added while the preview waits
    importer.commit(job)
    assert job.status == job.Status.DONE
    assert list(Person.objects.values_list("name", flat=True)) == ["关羽"]
    assert not Household.objects.filter(area=village).exists()
    problem = job.problems.get()
    assert (problem.row, problem.column) == (2, "楼栋")
    assert "小区“王庄”在检查之后添加了楼栋" in problem.message
    assert "请填写楼栋" in problem.message
    assert job.problem_count == 1


def test_a_strict_import_with_such_a_row_writes_nothing(world, importer):
    village = child(world.community_a, "王庄")
    rows = [
        template_row("刘备", ID1, compound="王庄", building="", unit="", room="8"),
        template_row("关羽", ID2, room="302"),
    ]
    job = importer.upload(workbook_upload(rows), strict=True)
    child(village, "1号楼")
    importer.commit(job)
    assert job.status == job.Status.FAILED
    assert not Person.objects.exists()
    assert not Household.objects.exists()
    assert job.problems.get().column == "楼栋"
