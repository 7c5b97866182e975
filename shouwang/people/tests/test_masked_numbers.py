"""A number as pages and the masked export show it (410105********1230, 135****5678)
is what a worker has at hand: pasted into the search box it finds the resident by the
tail it keeps; typed into a form or left in a re-imported masked export it is refused
with a message that says it is masked, not that its digits are wrong."""

import pytest
from django.urls import reverse

from shouwang.people.models import Person
from shouwang.people.tests.factories import template_row, xlsx_upload

MASKED_NUMBER_MESSAGE = "脱敏"


def names(client, query: str) -> set[str]:
    response = client.post(reverse("people:index"), {"q": query}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return {p.name for p in response.context["persons"]}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("410105********1230", {"张三丰"}),  # the ID as the list shows it
        ("410105＊＊＊＊＊＊＊＊1230", {"张三丰"}),  # with full-width stars
        ("410105********122X", {"李小红"}),
        ("410105********122x", {"李小红"}),
        ("135****5678", {"张三丰"}),  # the phone as the list shows it
        ("139****4321", {"李小红"}),
    ],
)
def test_it_finds_a_resident_by_the_masked_number_a_page_shows(world, ledger, query, found):
    assert names(world.client("staff_a"), query) == found


def test_a_masked_number_from_another_community_finds_nobody(world, ledger):
    assert names(world.client("staff_a"), "410105********1253") == set()


@pytest.mark.parametrize(
    ("doc_number", "phone", "field"),
    [
        ("410105********1233", "13812345678", "doc_number"),
        ("410105199001011233", "138****5678", "phone"),
    ],
)
def test_it_refuses_a_masked_number_typed_into_the_person_form(
    world, ledger, doc_number, phone, field
):
    client = world.client("staff_a")
    response = client.post(
        reverse("people:person_create", args=[ledger.home_a.pk]),
        {
            "name": "赵云",
            "doc_type": "id_card",
            "doc_number": doc_number,
            "phone": phone,
            "relation": "spouse",
            "residence_type": "permanent",
        },
    )
    assert response.status_code == 400
    assert MASKED_NUMBER_MESSAGE in response.context["form"].errors[field][0]
    assert not Person.objects.filter(name="赵云").exists()


def test_a_re_imported_masked_export_says_its_numbers_are_masked(world, ledger, importer):
    row = template_row(
        "张三丰", "410105********1230", "135****5678", compound="锦绣花园", building="1号楼"
    )
    job = importer.upload(xlsx_upload([row]))
    messages = dict(job.problems.values_list("column", "message"))
    assert MASKED_NUMBER_MESSAGE in messages["证件号码"]
    assert MASKED_NUMBER_MESSAGE in messages["手机号"]
    assert "前17位应为数字" not in messages["证件号码"]
    assert job.valid_rows == 0
