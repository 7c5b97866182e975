"""户不漏人: expected households against registered, empty households, persons without
a document; per community, sub-district and grid."""

from django.urls import reverse

from shouwang.people import coverage
from shouwang.people.models import Household
from shouwang.people.tests.factories import make_household, make_person


def test_figures_per_community_and_for_the_subdistrict(world, ledger):
    # building_a expects 4: 1 registered + 5 more (over the figure) must not hide A2's gap.
    for room in ("1", "2", "3", "4", "5"):
        make_person(make_household(world.building_a, room=room), f"甲{room}")
    make_household(world.building_a2, room="vacant", housing_type=Household.HousingType.VACANT)
    make_household(world.building_a2, room="empty")  # lived in, nobody registered
    make_person(ledger.home_a2, "无证", doc="")
    rows = {c.area.name: c.figures for c in coverage.per_community(world.subdistrict)}
    a, b = rows["西城社区"], rows["八一社区"]
    assert (a.expected, a.registered, a.covered) == (8, 9, 7)
    assert a.coverage_pct == 87.5
    assert a.persons == 8
    assert a.empty_households == 1
    assert a.no_document == 1
    assert a.buildings_short == 1
    assert (b.expected, b.registered, b.coverage_pct, b.persons) == (4, 1, 25.0, 1)
    total = coverage.total(world.subdistrict)
    assert (total.expected, total.covered, total.persons) == (12, 8, 9)
    assert coverage.for_grid(world.grid_a).covered == 7


def test_moved_out_persons_do_not_count(world, ledger):
    ledger.li.moved_out = True
    ledger.li.save()
    a = coverage.per_community(world.community_a)[0].figures
    assert a.persons == 1
    assert a.empty_households == 1  # home_a2 is empty now


def test_the_coverage_page(world, ledger, django_assert_max_num_queries):
    client = world.client("hq")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("people:coverage"))
    text = response.content.decode()
    assert "西城社区" in text
    assert "八一社区" in text
    assert "西城第1网格" in text
    assert "25.0%" in text


def test_a_grid_worker_works_down_the_gaps_of_the_grid(world, ledger):
    make_household(world.building_a2, room="empty")
    nobody = make_person(ledger.home_a2, "无证", doc="")
    response = world.client("grid_a").get(reverse("people:grid_gaps", args=[world.grid_a.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "2号楼" in text
    assert "还差" in text
    assert "西城花园2号楼1单元empty" in text
    assert reverse("people:person", args=[nobody.pk]) in text
    assert world.client("grid_a").get(reverse("people:grid_gaps", args=[999])).status_code == 404
