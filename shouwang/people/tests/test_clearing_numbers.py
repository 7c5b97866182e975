"""Clearing a stored number on an edit form: a blank box keeps it (forms never pre-fill
a number), the 清除 box removes it — ciphertext, keyed hash and searchable tail — with a
history entry and an audit row like any other edit."""

from datetime import date

from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.people.models import Change, Household, Person
from shouwang.people.tests.factories import edit_form_data, make_person


def _edit(client, person: Person, **changes):
    url = reverse("people:person_edit", args=[person.pk])
    return client.post(url, edit_form_data(person, **changes))


def _last_update(person: Person) -> Change:
    return Change.objects.filter(person=person, action=Change.Action.UPDATE).latest("id")


def _audited_updates(person: Person) -> int:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_type="people.Person", object_id=str(person.pk)
    ).count()


def test_a_blank_phone_keeps_the_stored_one(world, ledger):
    assert _edit(world.client("staff_a"), ledger.zhang, notes="行动不便").status_code == 302
    ledger.zhang.refresh_from_db()
    assert ledger.zhang.phone == "13512345678"
    assert ledger.zhang.document_number == "410105194001011230"


def test_it_clears_a_stored_phone(world, ledger):
    response = _edit(world.client("staff_a"), ledger.zhang, clear_phone="on")
    assert response.status_code == 302
    ledger.zhang.refresh_from_db()
    assert (ledger.zhang.phone_enc, ledger.zhang.phone_hash, ledger.zhang.phone_last4) == (
        "",
        "",
        "",
    )
    assert not Person.objects.with_phone("13512345678").exists()
    assert _last_update(ledger.zhang).changes == [["手机号", "135****5678", ""]]
    assert _audited_updates(ledger.zhang) == 1
    page = world.client("staff_a").get(reverse("people:person", args=[ledger.zhang.pk]))
    assert '手机号：<s class="muted">135****5678</s> → （空）' in page.content.decode()


def test_it_clears_a_stored_document_with_the_birth_date_and_sex_it_gave(world, ledger):
    """A newborn registered with the mother's number: the number, and the birth date
    and sex read from it, are all wrong; the child has no number yet."""
    assert (ledger.li.birth_date, ledger.li.sex) == (date(1992, 3, 4), "F")
    response = _edit(world.client("staff_a"), ledger.li, clear_doc="on")
    assert response.status_code == 302
    ledger.li.refresh_from_db()
    li = ledger.li
    assert (li.doc_enc, li.doc_hash, li.doc_tail, li.birth_date, li.sex) == ("", "", "", None, "")
    assert li.phone == "13987654321"
    assert set(Person.objects.without_document()) == {li}
    assert not Person.objects.with_document("41010519920304122X").exists()
    assert _last_update(li).changes == [
        ["证件号码", "410105********122X", ""],
        ["出生日期", "由证件号码带出", ""],
        ["性别", "女", ""],
    ]
    assert _audited_updates(li) == 1


def test_a_cleared_number_may_be_registered_for_its_holder(world, ledger):
    client = world.client("staff_a")
    assert _edit(client, ledger.li, clear_doc="on").status_code == 302
    mother = make_person(ledger.home_a2, "李母", doc="", phone="")
    response = _edit(client, mother, doc_number="41010519920304122X")
    assert response.status_code == 302
    assert Person.objects.with_document("41010519920304122X").get() == mother


def test_the_document_type_may_change_when_the_number_is_cleared(world, ledger):
    response = _edit(world.client("staff_a"), ledger.zhang, doc_type="passport", clear_doc="on")
    assert response.status_code == 302
    ledger.zhang.refresh_from_db()
    assert (ledger.zhang.doc_type, ledger.zhang.doc_enc) == ("passport", "")


def test_clearing_and_typing_a_new_number_at_once_is_refused(world, ledger):
    client = world.client("staff_a")
    response = _edit(client, ledger.zhang, phone="13900001111", clear_phone="on")
    assert response.status_code == 400
    assert "二选一" in response.content.decode()
    response = _edit(client, ledger.zhang, doc_number="410105199001011233", clear_doc="on")
    assert response.status_code == 400
    assert "二选一" in response.content.decode()
    ledger.zhang.refresh_from_db()
    assert (ledger.zhang.version, ledger.zhang.phone) == (1, "13512345678")
    assert ledger.zhang.document_number == "410105194001011230"


def test_a_clear_box_is_offered_only_for_a_stored_number(world, ledger):
    client = world.client("staff_a")
    url = reverse("people:person_edit", args=[ledger.zhang.pk])
    form = client.get(url).context["form"]
    assert {"clear_doc", "clear_phone"} <= set(form.fields)
    nobody = make_person(ledger.home_a, "无证件", doc="", phone="")
    form = client.get(reverse("people:person_edit", args=[nobody.pk])).context["form"]
    assert not {"clear_doc", "clear_phone"} & set(form.fields)
    form = client.get(reverse("people:person_create", args=[ledger.home_a.pk])).context["form"]
    assert not {"clear_doc", "clear_phone"} & set(form.fields)
    # A forged box for a number that is not there changes nothing.
    assert _edit(client, nobody, clear_phone="on", notes="x").status_code == 302
    assert _last_update(nobody).changes == [["备注", "", "x"]]


def _household_data(household: Household, **changes) -> dict:
    data = {
        "version": household.version,
        "unit": household.unit,
        "room": household.room,
        "housing_type": household.housing_type,
        "landlord_name": household.landlord_name,
        "landlord_phone": "",
        "notes": household.notes,
    }
    return data | changes


def test_it_clears_a_landlords_phone(world, ledger):
    client = world.client("staff_a")
    url = reverse("people:household_edit", args=[ledger.home_a.pk])
    data = _household_data(ledger.home_a, housing_type="rented", landlord_phone="13611112222")
    assert client.post(url, data).status_code == 302
    ledger.home_a.refresh_from_db()
    assert client.get(url).context["form"].fields["clear_landlord_phone"]
    response = client.post(url, _household_data(ledger.home_a, clear_landlord_phone="on"))
    assert response.status_code == 302
    ledger.home_a.refresh_from_db()
    assert (ledger.home_a.landlord_phone_enc, ledger.home_a.landlord_phone_hash) == ("", "")
    change = Change.objects.filter(household=ledger.home_a).latest("id")
    assert change.changes == [["房东电话", "136****2222", ""]]
    assert "clear_landlord_phone" not in client.get(url).context["form"].fields
