"""A whole document number typed in the search box is looked up by its keyed hash
whatever its length, as long as some document type takes it: a 9-digit passport, a
12-digit 其他证件 as well as an 18-digit ID card."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from shouwang.people.documents import (
    DocumentError,
    DocumentType,
    could_be_document,
    validate_document,
)
from shouwang.people.models import Person
from shouwang.people.tests.factories import make_person


def names(client, query: str) -> set[str]:
    response = client.post(reverse("people:index"), {"q": query}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return {p.name for p in response.context["persons"]}


def with_document(person: Person, doc_type: str, number: str) -> Person:
    person.set_document(doc_type, number)
    person.save()
    return person


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("doc_type", "number"),
    [
        (DocumentType.PASSPORT, "123456789"),
        (DocumentType.PASSPORT, "12345"),
        (DocumentType.PASSPORT, "1234567890123"),
        (DocumentType.OTHER, "123456789012"),
        (DocumentType.OTHER, "2024"),
        (DocumentType.OTHER, "13912345678"),  # an 11-digit number is not only a phone
        (DocumentType.TAIWAN, "12345678"),
    ],
)
def test_it_finds_a_document_of_any_length_by_its_whole_number(world, ledger, doc_type, number):
    with_document(make_person(ledger.home_a, "约翰", doc=""), doc_type, number)
    assert "约翰" in names(world.client("staff_a"), number)
    assert "约翰" in names(world.client("staff_a"), " ".join(number))


@pytest.mark.django_db
def test_a_number_no_document_takes_finds_nobody_by_it(world, ledger):
    assert names(world.client("staff_a"), "123") == set()


@given(
    st.sampled_from(list(DocumentType)),
    st.text(alphabet="0123456789ABCHMXZ-", min_size=1, max_size=32),
)
def test_every_number_a_document_type_takes_is_looked_up_whole(doc_type, text):
    try:
        number = validate_document(doc_type, text)
    except DocumentError:
        return
    assert could_be_document(number)


@given(st.text(alphabet="0123456789", min_size=4, max_size=30))
def test_every_run_of_four_to_thirty_digits_could_be_a_document(digits):
    assert could_be_document(digits)


@given(st.text(alphabet="0123456789", max_size=3) | st.text(alphabet="0123456789", min_size=31))
def test_shorter_or_longer_runs_of_digits_are_no_document(digits):
    assert not could_be_document(digits)
