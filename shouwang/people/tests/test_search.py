"""One search box: name, pinyin initials, last four of ID or phone, full numbers,
rooms and addresses; filters by tag, residence type and area; scoped to the user."""

import pytest
from django.urls import reverse

from shouwang.people.models import Person, Tag


def names(client, **data) -> set[str]:
    response = client.post(reverse("people:index"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return {p.name for p in response.context["persons"]}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("张", {"张三丰"}),
        ("张三丰", {"张三丰"}),
        ("zsf", {"张三丰"}),
        ("ZS", {"张三丰"}),
        ("1230", {"张三丰"}),  # last four of the ID
        ("１２３０", {"张三丰"}),  # typed in full width
        ("１３５１２３４５６７８", {"张三丰"}),
        ("4321", {"李小红"}),  # last four of the phone
        ("122x", {"李小红"}),  # an ID ending in X
        ("13512345678", {"张三丰"}),
        ("+86 135 1234 5678", {"张三丰"}),  # a phone as written on a form or a card
        ("135-1234-5678", {"张三丰"}),
        ("41010519920304122x", {"李小红"}),
        ("301", {"张三丰"}),
        ("1号楼2单元301", {"张三丰"}),
        ("西城花园1号楼2单元301室", {"张三丰"}),
        ("西城花园小区1号楼2单元301", {"张三丰"}),
        ("2号楼1-101", {"李小红"}),
        ("2-1-101", {"李小红"}),
        ("1号楼", {"张三丰"}),  # a building alone: its residents (B's 1号楼 is not hers)
        ("西城花园2号楼", {"李小红"}),
        ("2栋", {"李小红"}),
        ("张三丰\u200b", {"张三丰"}),  # pasted from a chat with a zero-width space
        ("\ufeff13512345678", {"张三丰"}),
        ("9号楼", set()),
        ("王", set()),  # 王大锤 is in community B
        ("1253", set()),
    ],
)
def test_it_finds_residents_by_what_a_worker_knows(world, ledger, query, found):
    assert names(world.client("staff_a"), q=query) == found


def test_hq_searches_the_whole_subdistrict(world, ledger):
    assert names(world.client("hq"), q="王") == {"王大锤"}


def test_it_filters_by_tag_residence_type_and_area(world, ledger):
    client = world.client("staff_a")
    tag = Tag.objects.get_or_create(name="独居老人")[0]
    assert names(client, tag=tag.pk) == {"张三丰"}
    assert names(client, residence_type=Person.ResidenceType.TEMPORARY) == {"李小红"}
    assert names(client, area=world.building_a2.pk) == {"李小红"}


def test_an_area_outside_the_users_jurisdiction_is_not_a_filter(world, ledger):
    response = world.client("staff_a").post(reverse("people:index"), {"area": world.building_b.pk})
    assert response.status_code == 200
    assert "王大锤" not in response.content.decode()


def test_the_list_page_costs_a_fixed_number_of_queries(
    world, ledger, django_assert_max_num_queries
):
    from shouwang.people.tests.factories import make_household, make_person

    for i in range(30):
        make_person(make_household(world.building_a, room=str(1000 + i)), f"赵{i}")
    client = world.client("hq")
    client.get(reverse("people:index"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("people:index"))
    assert len(response.context["persons"]) == 25
    assert response.context["has_next"]


def test_a_full_number_typed_in_the_box_is_not_put_in_the_url(world, ledger):
    page = world.client("staff_a").get(reverse("people:index")).content.decode()
    assert 'method="post" action="/people/"' in page


def test_filtering_by_a_compound_links_to_its_households(world, ledger):
    client = world.client("staff_a")
    response = client.get(reverse("people:index"), {"area": world.compound_a.pk})
    assert reverse("people:area", args=[world.compound_a.pk]) in response.content.decode()
    page = client.get(reverse("people:area", args=[world.compound_a.pk])).content.decode()
    assert reverse("people:area", args=[world.building_a.pk]) in page


@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "abc"])
def test_an_absurd_page_number_is_an_empty_or_first_page(world, ledger, page):
    response = world.client("staff_a").get(reverse("people:index"), {"page": page})
    assert response.status_code == 200
