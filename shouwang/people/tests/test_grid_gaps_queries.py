"""A grid's gap list costs the same number of queries whatever the number of its
compounds: a grid of a large community holds dozens."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouwang.areas.tests.factories import child
from shouwang.people.tests.factories import make_household, make_person


def _add_compounds(world, first: int, last: int) -> None:
    """Compounds with a short building (one household, no one registered) and a person
    without a document each; every other one a village without buildings."""
    for n in range(first, last):
        if n % 2:
            compound = child(world.community_a, f"第{n}村民组", expected_households=3)
            home = make_household(compound, room="1")
        else:
            compound = child(world.community_a, f"小区{n}")
            building = child(compound, "1号楼", expected_households=3)
            home = make_household(building, room="101")
            make_household(building, room="102")
        make_person(home, f"居民{n}", doc="")
        world.grid_a.compounds.add(compound)


def _queries(world) -> tuple[int, str]:
    client = world.client("grid_a")
    url = reverse("people:grid_gaps", args=[world.grid_a.pk])
    client.get(url)  # sessions, permissions and the like warmed up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_gap_list_of_six_compounds_costs_what_that_of_two_does(world, ledger):
    _add_compounds(world, 1, 2)  # with 西城花园: two compounds
    two, page = _queries(world)
    assert "第1村民组" in page
    assert "居民1" in page
    _add_compounds(world, 2, 6)
    six, page = _queries(world)
    for n in range(1, 6):
        assert f"居民{n}" in page
    assert "小区41号楼" in page  # a short building, named with its compound
    assert ">第5村民组<" in page  # a short village without buildings
    assert six == two
