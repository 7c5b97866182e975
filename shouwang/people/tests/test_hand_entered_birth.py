"""出生日期 and 性别 entered by hand on the person form, for a document that does not
carry them (passport, HK/Macao/Taiwan permits, no document yet): the age then shows.
A document that carries them (居民身份证) wins; a different hand-entered value is
refused with a message saying so."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from shouwang.people.models import Change, Person
from shouwang.people.tests.factories import edit_form_data


def _register(client, household, **fields):
    data = {
        "name": "约翰",
        "doc_type": "passport",
        "doc_number": "E12345678",
        "relation": "other",
        "residence_type": "permanent",
    }
    return client.post(reverse("people:person_create", args=[household.pk]), data | fields)


def test_a_passport_holder_gets_a_birth_date_and_sex_by_hand(world, ledger):
    client = world.client("staff_a")
    response = _register(client, ledger.home_a, birth_date="1980-05-06", sex="M")
    assert response.status_code == 302
    john = Person.objects.get(name="约翰")
    assert (john.birth_date, john.sex) == (date(1980, 5, 6), "M")
    assert john.age is not None
    page = client.get(reverse("people:person", args=[john.pk])).content.decode()
    assert f"{john.age}岁" in page


def test_the_hand_entered_facts_are_edited_and_kept_in_the_history(world, ledger):
    client = world.client("staff_a")
    assert _register(client, ledger.home_a).status_code == 302
    john = Person.objects.get(name="约翰")
    assert (john.birth_date, john.sex) == (None, "")
    url = reverse("people:person_edit", args=[john.pk])
    response = client.post(url, edit_form_data(john, birth_date="1975-01-02", sex="F"))
    assert response.status_code == 302
    john.refresh_from_db()
    assert (john.birth_date, john.sex) == (date(1975, 1, 2), "F")
    change = Change.objects.filter(person=john, action=Change.Action.UPDATE).get()
    assert ["出生日期", "", "1975-01-02"] in change.changes
    assert ["性别", "", "女"] in change.changes
    # The edit form shows them again, so a save that leaves them alone keeps them.
    page = client.get(url).content.decode()
    assert 'value="1975-01-02"' in page
    response = client.post(url, edit_form_data(john, notes="x", birth_date="1975-01-02", sex="F"))
    assert response.status_code == 302
    john.refresh_from_db()
    assert (john.birth_date, john.sex, john.notes) == (date(1975, 1, 2), "F", "x")


def test_a_new_passport_number_keeps_the_hand_entered_facts(world, ledger):
    client = world.client("staff_a")
    _register(client, ledger.home_a, birth_date="1980-05-06", sex="M")
    john = Person.objects.get(name="约翰")
    url = reverse("people:person_edit", args=[john.pk])
    data = edit_form_data(john, doc_number="E87654321", birth_date="1980-05-06", sex="M")
    assert client.post(url, data).status_code == 302
    john.refresh_from_db()
    assert (john.document_number, john.birth_date, john.sex) == ("E87654321", date(1980, 5, 6), "M")


def test_a_birth_date_in_the_future_or_before_1890_is_refused(world, ledger):
    client = world.client("staff_a")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for born in (tomorrow, "1889-12-31"):
        response = _register(client, ledger.home_a, birth_date=born)
        assert response.status_code == 400
        assert "出生日期不合理" in response.content.decode()
    assert not Person.objects.filter(name="约翰").exists()


def test_an_id_card_wins_and_a_different_hand_entered_value_is_refused(world, ledger):
    client = world.client("staff_a")
    zhang = ledger.zhang  # ID 410105194001011230: born 1940-01-01, male
    url = reverse("people:person_edit", args=[zhang.pk])
    response = client.post(url, edit_form_data(zhang, birth_date="1950-01-01", sex="F"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "出生日期以证件号码为准" in page
    assert "性别以证件号码为准" in page
    zhang.refresh_from_db()
    assert (zhang.birth_date, zhang.sex, zhang.version) == (date(1940, 1, 1), "M", 1)
    # The same values, or none, are fine: the card's stay.
    for facts in ({"birth_date": "1940-01-01", "sex": "M"}, {}):
        zhang.refresh_from_db()
        response = client.post(url, edit_form_data(zhang, notes=str(facts), **facts))
        assert response.status_code == 302
        zhang.refresh_from_db()
        assert (zhang.birth_date, zhang.sex) == (date(1940, 1, 1), "M")


def test_an_id_card_registration_refuses_a_conflicting_birth_date(world, ledger):
    client = world.client("staff_a")
    data = {"doc_type": "id_card", "doc_number": "110101199003074514", "birth_date": "1991-03-07"}
    response = _register(client, ledger.home_a, **data)
    assert response.status_code == 400
    assert "出生日期以证件号码为准" in response.content.decode()
    assert not Person.objects.filter(name="约翰").exists()


def test_the_edit_form_does_not_show_a_birth_date_read_from_the_card(world, ledger):
    client = world.client("staff_a")
    page = client.get(reverse("people:person_edit", args=[ledger.zhang.pk])).content.decode()
    assert "1940-01-01" not in page
    assert "已由证件号码带出" in page
