"""A plain dump of the database holds no plaintext ID number or phone: not in the
ledger, not in its history, the audit log, the import tables or the sessions."""

from django.db import connection
from django.urls import reverse

from shouwang.people.models import ImportJob, Person
from shouwang.people.tests.factories import template_row, xlsx_upload

ID_TYPED = "410105199001011233"
PHONE_TYPED = "13800138000"
ID_IMPORTED = "41010519920304122X"
PHONE_IMPORTED = "15936925814"
LANDLORD = "13611112222"


def dump() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - table names from the catalogue
            lines += [row[0] for row in cursor.fetchall()]
    return "\n".join(lines)


def test_a_database_dump_contains_no_plaintext_id_or_phone(
    world, django_capture_on_commit_callbacks
):
    client = world.client("staff_a")
    client.post(
        reverse("people:household_create", args=[world.building_a.pk]),
        {"unit": "1", "room": "101", "housing_type": "rented", "landlord_phone": LANDLORD},
    )
    household = world.building_a.households.get()
    response = client.post(
        reverse("people:person_create", args=[household.pk]),
        {
            "name": "刘备",
            "doc_type": "id_card",
            "doc_number": ID_TYPED,
            "phone": PHONE_TYPED,
            "relation": "head",
            "residence_type": "permanent",
        },
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:import"),
            {"file": xlsx_upload([template_row("关羽", ID_IMPORTED, PHONE_IMPORTED, room="102")])},
        )
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:import_commit", args=[job.code]))
    assert Person.objects.count() == 2
    person = Person.objects.get(name="刘备")
    client.post(reverse("people:person_reveal", args=[person.pk, "document"]))
    client.post(reverse("people:person_reveal", args=[person.pk, "phone"]))
    client.post(reverse("people:index"), {"q": PHONE_TYPED})  # a search by full number

    text = dump()
    assert "刘备" in text
    assert "关羽" in text
    for secret in (ID_TYPED, PHONE_TYPED, ID_IMPORTED, PHONE_IMPORTED, LANDLORD):
        assert secret not in text, f"{secret} found in the database dump"
        assert secret.lower() not in text


def test_the_ledger_does_not_keep_what_rebuilds_an_id_number(world):
    """Region code (the district's), birth date (kept for ages) and the last four would
    be the whole number: the last four are kept only as a keyed hash, and the search by
    the last four still finds the resident."""
    client = world.client("staff_a")
    client.post(
        reverse("people:household_create", args=[world.building_a.pk]),
        {"unit": "1", "room": "101", "housing_type": "owned"},
    )
    household = world.building_a.households.get()
    client.post(
        reverse("people:person_create", args=[household.pk]),
        {
            "name": "刘备",
            "doc_type": "id_card",
            "doc_number": ID_TYPED,
            "relation": "head",
            "residence_type": "permanent",
        },
    )
    row = Person.objects.filter(name="刘备").values().get()
    assert str(row["birth_date"]) == "1990-01-01"
    assert ID_TYPED[-4:] not in [str(value) for value in row.values()]
    found = client.get(reverse("people:index"), {"q": ID_TYPED[-4:]})
    assert "刘备" in found.content.decode()
