"""HQ reads where a case, a contact or a trace's passer lives: every compound has its
1号楼, so a building is named with its compound (西城花园1号楼), as the ledger and the
key-person list do, never by its bare name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .factories import make_case, make_contact, make_hit, make_person, make_trace

pytestmark = pytest.mark.django_db

PLACE = "西城花园1号楼"


@pytest.fixture
def case(world):
    case = make_case(world.building_a, person=make_person(world.building_a, "王病例", room="301"))
    make_contact(case, world.building_a, person=make_person(world.building_a, "李密接"))
    return case


def page(world, name, *args, **params):
    response = world.client("hq").get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def cell_after(html, name):
    """The text of the last table row naming ``name``, from the name on."""
    start = html.rindex(name)
    return html[start : html.index("</tr>", start)]


def test_the_case_list_names_the_compound(world, case):
    assert PLACE in cell_after(page(world, "cases:list"), "王病例")


def test_the_case_page_names_the_compound(world, case):
    html = page(world, "cases:detail", case.pk)
    assert f"<dd>{PLACE}</dd>" in html
    assert PLACE in cell_after(html, "李密接")


def test_the_contact_list_names_the_compound(world, case):
    assert PLACE in cell_after(page(world, "cases:contacts"), "李密接")


def test_the_person_search_names_the_compound(world, case):
    make_person(world.building_a, "孙居民", room="302")
    response = world.client("hq").post(reverse("cases:new"), {"q": "孙居民"})
    assert response.status_code == 200
    assert f"{PLACE}302" in cell_after(response.content.decode(), "孙居民")


def test_the_trace_results_name_the_compound(world, case):
    trace = make_trace(case, requested_by=world.hq, hop1_count=1)
    hit = make_hit(trace, make_person(world.building_a, "赵路人"))
    trace.passes = [{**hit.encounters[0], "at": hit.encounters[0]["met_at"]}]
    trace.save(update_fields=["passes"])
    assert PLACE in cell_after(page(world, "cases:trace", trace.pk), "赵路人")
