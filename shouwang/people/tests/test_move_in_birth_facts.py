"""迁入 keeps 出生日期 and 性别 entered on the form, as a registration does, for a
document that does not carry them (a passport); left blank, the ones on record stay.
A document that carries them (居民身份证) wins, and a different value is refused."""

from datetime import date

from django.urls import reverse

from shouwang.people.models import Change, Person
from shouwang.people.tests.factories import make_person


def _form(**changes) -> dict:
    return {
        "name": "约翰",
        "doc_type": "passport",
        "doc_number": "E12345678",
        "relation": "other",
        "residence_type": "permanent",
    } | changes


def _john_moved_out_of_a(world, ledger, **facts) -> Person:
    client = world.client("staff_a")
    url = reverse("people:person_create", args=[ledger.home_a.pk])
    assert client.post(url, _form(**facts)).status_code == 302
    john = Person.objects.get(name="约翰")
    url = reverse("people:person_move_out", args=[john.pk])
    assert client.post(url, {"version": john.version}).status_code == 302
    return john


def _move_in(world, ledger, **fields):
    return world.client("staff_b").post(
        reverse("people:person_move_in", args=[ledger.home_b.pk]), _form(**fields)
    )


def test_it_keeps_the_birth_date_and_sex_entered_on_the_move_in(world, ledger):
    john = _john_moved_out_of_a(world, ledger)
    response = _move_in(world, ledger, birth_date="1981-02-03", sex="F")
    assert response.status_code == 302
    john.refresh_from_db()
    assert (john.household, john.moved_out) == (ledger.home_b, False)
    assert (john.birth_date, john.sex) == (date(1981, 2, 3), "F")
    change = Change.objects.get(person=john, action=Change.Action.MOVE_IN)
    assert ["出生日期", "", "1981-02-03"] in change.changes
    assert ["性别", "", "女"] in change.changes


def test_left_blank_the_facts_on_record_stay(world, ledger):
    john = _john_moved_out_of_a(world, ledger, birth_date="1980-05-06", sex="M")
    assert _move_in(world, ledger).status_code == 302
    john.refresh_from_db()
    assert (john.household, john.birth_date, john.sex) == (ledger.home_b, date(1980, 5, 6), "M")


def test_an_id_card_refuses_a_different_birth_date_and_nothing_moves(world, ledger):
    zhao = make_person(ledger.home_a, "赵云", doc="410105194001011214")
    client = world.client("staff_a")
    url = reverse("people:person_move_out", args=[zhao.pk])
    assert client.post(url, {"version": zhao.version}).status_code == 302
    response = _move_in(
        world,
        ledger,
        name="赵云",
        doc_type="id_card",
        doc_number="410105194001011214",
        birth_date="1950-01-01",
    )
    assert response.status_code == 400
    assert "出生日期以证件号码为准" in response.content.decode()
    zhao.refresh_from_db()
    assert (zhao.household, zhao.moved_out, zhao.birth_date) == (
        ledger.home_a,
        True,
        date(1940, 1, 1),
    )
