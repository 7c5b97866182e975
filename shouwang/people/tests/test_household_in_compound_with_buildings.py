"""A compound with buildings keeps its households in the buildings: its page offers
no 登记新户 (``test_compound_page``), and neither a crafted POST nor an import row
naming no building puts a flat outside every building (and outside the buildings'
coverage). A compound without buildings (a village group) registers them itself."""

from django.urls import reverse

from shouwang.areas.tests.factories import child
from shouwang.people.models import Household, Person
from shouwang.people.tests.factories import ID1, ID2, template_row, workbook_upload

REFUSED = "小区“西城花园”已有楼栋，户应登记在楼栋下，请选择楼栋"


def _create(world, area):
    return world.client("staff_a").post(
        reverse("people:household_create", args=[area.pk]),
        {"unit": "1", "room": "101", "housing_type": "owned"},
    )


def test_it_refuses_a_household_posted_to_a_compound_with_buildings(world):
    response = _create(world, world.compound_a)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Household.objects.exists()


def test_it_registers_a_household_in_a_compound_without_buildings(world):
    village = child(world.community_a, "王庄")
    response = _create(world, village)
    assert response.status_code == 302
    assert Household.objects.get().area == village


def test_an_import_row_naming_a_compound_with_buildings_but_no_building_is_a_problem(
    world, importer
):
    problem = importer.refused_row(building="")
    assert (problem.row, problem.column) == (2, "楼栋")
    assert "小区“西城花园”已有楼栋，户应登记在楼栋下" in problem.message
    assert not Household.objects.filter(area=world.compound_a).exists()


def test_a_strict_import_with_such_a_row_writes_nothing(world, importer):
    rows = [template_row("刘备", ID1, building=""), template_row("关羽", ID2, room="302")]
    job = importer.upload(workbook_upload(rows), strict=True)
    assert list(job.problems.values_list("row", "column")) == [(2, "楼栋")]
    assert not job.can_commit
    importer.commit(job)
    assert not Person.objects.exists()
    assert not Household.objects.exists()


def test_an_import_row_naming_a_compound_without_buildings_is_imported(world, importer):
    village = child(world.community_a, "王庄")
    job = importer.upload(
        workbook_upload([template_row("刘备", ID1, compound="王庄", building="")])
    )
    assert not job.problems.exists()
    importer.commit(job)
    assert Person.objects.get().household.area == village
