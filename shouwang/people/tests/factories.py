"""Ledger rows for tests: households and persons with valid, distinct IDs and phones."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from shouwang.areas.models import Area
from shouwang.people.documents import DocumentType, compose_id_card
from shouwang.people.models import ExportJob, Household, ImportJob, Person

_sequence = itertools.count(1)
# Two valid ID card numbers for rows written out by hand.
ID1 = "410105199001011233"
ID2 = "41010519920304122X"


def next_id_card(region: str = "410105", born: date = date(1980, 5, 17)) -> str:
    return compose_id_card(region, born, next(_sequence))


def next_phone() -> str:
    return f"139{next(_sequence):08d}"


def make_household(area: Area, room: str | None = None, unit: str = "1", **fields) -> Household:
    room = room or str(100 + next(_sequence))
    household, _ = Household.objects.get_or_create(area=area, unit=unit, room=room, defaults=fields)
    return household


def make_person(
    household: Household,
    name: str = "张三丰",
    doc: str | None = None,
    phone: str | None = None,
    **fields,
) -> Person:
    # One head per household in register: the first, unless told.
    fields.setdefault("relation", household.newcomer_relation())
    person = Person(household=household, area=household.area, **fields)
    person.set_name(name)
    doc = next_id_card() if doc is None else doc
    if doc:
        person.set_document(DocumentType.ID_CARD, doc)
    person.set_phone(next_phone() if phone is None else phone)
    person.save()
    return person


def unplaced_village(community: Area) -> Area:
    """王庄: a household (room 8, 王老五 and 王小二) registered at the compound before
    its first building, 1号楼, was added."""
    from shouwang.areas.tests.factories import child

    village = child(community, "王庄")
    home = make_household(village, room="8", unit="")
    make_person(home, "王老五")
    make_person(home, "王小二")
    child(village, "1号楼")
    return village


def move_into_building(client, home: Household):
    """POST 移到楼栋 for a household at a compound into the compound's one building."""
    from django.urls import reverse

    building = home.area.children.get()
    return client.post(
        reverse("people:household_move", args=[home.pk]),
        {"building": building.pk, "version": home.version},
    )


def edit_form_data(person: Person, **changes) -> dict:
    """The person edit form as the page posts it unchanged (numbers left blank keep the
    stored ones), with ``changes`` over it."""
    data = {
        "version": person.version,
        "name": person.name,
        "doc_type": person.doc_type,
        "doc_number": "",
        "phone": "",
        "relation": person.relation,
        "residence_type": person.residence_type,
        "notes": person.notes,
        "tags": [t.pk for t in person.tags.all()],
    }
    return data | changes


def sample_household(world) -> Household:
    """The one household of community B the route matrix uses."""
    return make_household(world.building_b, room="901")


def sample_person(world) -> Person:
    household = sample_household(world)
    return household.persons.first() or make_person(household, name="八一居民")


def sample_job(world) -> ImportJob:
    job = ImportJob.objects.filter(area=world.community_b).first()
    return job or ImportJob.objects.create(
        area=world.community_b, created_by=world.staff_b, filename="八一.xlsx"
    )


def sample_export(world) -> ExportJob:
    """A finished export of community B (its file: a placeholder under VAR_DIR)."""
    job = ExportJob.objects.filter(area=world.community_b).first()
    if job is None:
        from django.utils import timezone

        from shouwang.people.exporting import exports_dir

        path = exports_dir() / "sample.xlsx"
        path.write_bytes(b"PK")
        job = ExportJob.objects.create(
            area=world.community_b,
            created_by=world.staff_b,
            status=ExportJob.Status.DONE,
            file_path=str(path),
            expires_at=timezone.now() + timedelta(hours=1),
        )
    return job


def xlsx_upload(rows: list[list], *, headers: list[str] | None = None, name: str = "台账.xlsx"):
    """An uploaded xlsx file (template headers unless given)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shouwang.core.xlsx import XLSX_CONTENT_TYPE, workbook_bytes
    from shouwang.people.importing import TEMPLATE_HEADERS

    content = workbook_bytes(headers or TEMPLATE_HEADERS, rows)
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


def workbook_upload(rows: list[list], headers: list[str] | None = None, name: str = "台账.xlsx"):
    """An uploaded xlsx written by openpyxl as Excel keeps it: typed cells (logical
    values, decimals, dates), real formulas (template headers unless given)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from shouwang.core.xlsx import XLSX_CONTENT_TYPE
    from shouwang.people.importing import TEMPLATE_HEADERS

    workbook = Workbook()
    workbook.active.append(headers or TEMPLATE_HEADERS)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


def template_row(name: str, doc: str, phone: str = "", **cells) -> list:
    """A row in the template layout; ``cells`` by header key (compound, building …)."""
    row = {
        "name": name,
        "doc_type": "居民身份证" if doc else "",
        "doc": doc,
        "phone": phone,
        "compound": "西城花园",
        "building": "1号楼",
        "unit": "2",
        "room": "301",
        "relation": "",  # the first row at a flat is its head
        "residence_type": "常住",
        "housing_type": "自住",
        "tags": "",
        "party_member": "否",
        "notes": "",
        "sex": "",
        "birth_date": "",
    } | cells
    return list(row.values())
