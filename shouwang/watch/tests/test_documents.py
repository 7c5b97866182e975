"""Key persons with a passport or a HK/Macao/Taiwan permit, not only a 居民身份证:
registration by hand, the police-list intake, locating, search, pages and exports."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from shouwang.core.text import half_width
from shouwang.people.documents import (
    TYPE_NAMES,
    TYPES_BY_NAME,
    DocumentError,
    DocumentType,
    compose_id_card,
    document_type_named,
)
from shouwang.people.models import Person
from shouwang.watch import actions, notices
from shouwang.watch.intake import HEADERS
from shouwang.watch.models import KeyPerson, LocateTask
from shouwang.watch.tests import factories as f

PASSPORT = "E12345678"
HK_PERMIT = "H87654321"
TAIWAN = "01234567"
FOREIGN_PR = compose_id_card("911840", date(1985, 6, 7), 123)


def passport_holder(building, name="安娜", number=PASSPORT) -> Person:
    person = f.person(building, name)
    person.set_document(DocumentType.PASSPORT, number)
    person.birth_date, person.sex = None, ""
    person.save()
    return person


def register_data(**fields) -> dict:
    return {
        "category": f.category("境外返回").pk,
        "source": "screening",
        "measure": "home",
        "start_date": timezone.localdate().isoformat(),
        **fields,
    }


def sheet(rows, headers=HEADERS) -> SimpleUploadedFile:
    return f.intake_sheet(rows, headers, "境外返回名单.xlsx")


def upload(client, upload_file, **data):
    data = {"file": upload_file, "category": f.category().pk, "measure": "home", **data}
    return client.post(reverse("watch:intake"), data)


def commit(client, response, community):
    plan = response.context["commit"]
    return client.post(
        reverse("watch:intake_commit"),
        {
            "token": plan["token"],
            "category": plan["category"].pk,
            "measure": "home",
            "community": community.pk,
        },
    )


# --- registration by hand -------------------------------------------------------------


@pytest.mark.django_db
def test_it_registers_a_returnee_from_abroad_by_passport(world) -> None:
    client = world.client("staff_a")
    form = client.get(reverse("watch:create")).content.decode()
    assert 'name="doc_type"' in form
    assert "护照" in form
    response = client.post(
        reverse("watch:create"),
        register_data(
            doc_type="passport",
            document=" e1234 5678 ",
            name="安娜",
            building=world.building_a2.pk,
        ),
    )
    assert response.status_code == 302
    person = Person.objects.with_document(PASSPORT).get()
    assert person.doc_type == DocumentType.PASSPORT
    assert person.document_number == PASSPORT
    assert (person.birth_date, person.sex, person.age) == (None, "", None)
    record = KeyPerson.objects.get(person=person)
    assert record.grid == world.grid_a
    detail = client.get(reverse("watch:detail", args=[record.pk])).content.decode()
    assert PASSPORT not in detail
    assert "E1*****78" in detail
    assert "护照" in detail


@pytest.mark.django_db
def test_a_passport_holder_already_in_the_ledger_is_linked_not_duplicated(world) -> None:
    known = passport_holder(world.building_a)
    response = world.client("staff_a").post(
        reverse("watch:create"), register_data(doc_type="passport", document=PASSPORT.lower())
    )
    assert response.status_code == 302
    assert KeyPerson.objects.get().person == known
    assert Person.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("doc_type", "number", "message"),
    [
        ("hk_macao", "X1234", "港澳通行证号码应为H或M开头加8位（或10位）数字"),
        ("taiwan", "1234567", "台胞证号码应为8位或10位数字"),
        ("passport", "E1234567890123456789", "护照号码应为5到17位字母或数字"),
        ("id_card", "E12345678", "身份证号码应为18位"),
        ("passport", "", "此项必填"),
    ],
)
def test_each_document_is_checked_by_the_ledgers_rules(world, doc_type, number, message) -> None:
    response = world.client("staff_a").post(
        reverse("watch:create"),
        register_data(
            doc_type=doc_type, document=number, name="安娜", building=world.building_a2.pk
        ),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Person.objects.exists()
    assert not KeyPerson.objects.exists()


@pytest.mark.django_db
def test_it_registers_a_foreign_permanent_resident_by_the_card(world) -> None:
    client = world.client("staff_a")
    assert "外国人永久居留身份证" in client.get(reverse("watch:create")).content.decode()
    response = client.post(
        reverse("watch:create"),
        register_data(
            doc_type="foreign_pr", document=FOREIGN_PR, name="安娜", building=world.building_a2.pk
        ),
    )
    assert response.status_code == 302
    person = KeyPerson.objects.get().person
    assert (person.doc_type, person.document_number) == ("foreign_pr", FOREIGN_PR)


@pytest.mark.django_db
def test_an_unknown_document_type_is_refused(world) -> None:
    response = world.client("staff_a").post(
        reverse("watch:create"),
        register_data(doc_type="green_card", document=PASSPORT, building=world.building_a2.pk),
    )
    assert response.status_code == 400
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_an_unknown_lead_is_confirmed_with_a_permit(world) -> None:
    lead = actions.create_lead(area=world.building_a, person=None, source="checkin", detail="申报")
    response = world.client("staff_a").post(
        reverse("watch:lead_confirm", args=[lead.pk]),
        {
            **register_data(),
            "doc_type": "hk_macao",
            "document": HK_PERMIT,
            "name": "陈港",
            "building": world.building_a2.pk,
        },
    )
    assert response.status_code == 302
    person = KeyPerson.objects.get().person
    assert (person.doc_type, person.document_number) == ("hk_macao", HK_PERMIT)


# --- the police list --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_intake_reads_a_document_type_column(world) -> None:
    known = passport_holder(world.building_a)
    arrived = timezone.localdate() - timedelta(days=1)
    rows = [
        ["安娜", PASSPORT, "", arrived, "意大利米兰", "", "", "护照"],
        ["陈港", HK_PERMIT, "", arrived, "香港", "", "", " 回乡证 "],
        ["林台", TAIWAN, "", arrived, "台北", "", "", "台胞证"],
        ["张三", f.id_number(), "", arrived, "湖北武汉", "", "", ""],
        ["约翰", FOREIGN_PR, "", arrived, "美国纽约", "", "", "永居证"],
    ]
    client = world.client("staff_a")
    response = upload(client, sheet(rows), community=world.community_a.pk)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [r.outcome for r in plan.rows] == ["found", "locate", "locate", "locate", "locate"]
    assert [r.doc_type for r in plan.rows] == [
        "passport",
        "hk_macao",
        "taiwan",
        "id_card",
        "foreign_pr",
    ]
    page = response.content.decode()
    assert PASSPORT not in page
    assert HK_PERMIT not in page
    assert "E1*****78" in page
    assert commit(client, response, world.community_a).status_code == 302
    assert KeyPerson.objects.get().person == known
    tasks = {t.name: t for t in LocateTask.objects.all()}
    assert tasks["陈港"].doc_type == "hk_macao"
    assert tasks["陈港"].document_number == HK_PERMIT
    assert tasks["林台"].doc_type == "taiwan"
    assert tasks["张三"].doc_type == "id_card"
    assert tasks["约翰"].doc_type == "foreign_pr"
    listing = client.get(reverse("watch:locate")).content.decode()
    assert HK_PERMIT not in listing
    assert "H8*****21" in listing
    assert "港澳居民来往内地通行证" in listing


@pytest.mark.django_db
def test_each_bad_row_is_reported_by_row_and_column(world) -> None:
    arrived = timezone.localdate() - timedelta(days=1)
    rows = [
        ["安娜", PASSPORT, "", arrived, "意大利米兰", "", "", "军官证"],
        ["陈港", "H123", "", arrived, "香港", "", "", "港澳通行证"],
        ["张三", PASSPORT, "", arrived, "湖北武汉", "", "", ""],
        ["朴敏", PASSPORT, "", arrived, "韩国首尔", "", "", "护照"],
    ]
    response = upload(world.client("staff_a"), sheet(rows), community=world.community_a.pk)
    assert response.status_code == 400
    problems = [(p.row, p.column, p.message) for p in response.context["plan"].problems]
    assert problems == [
        (2, "证件类型", "证件类型应为 居民身份证、护照、港澳通行证、台胞证、永居证 或 其他"),
        (3, "证件号码", "港澳通行证号码应为H或M开头加8位（或10位）数字"),
        (4, "证件号码", "身份证号码应为18位"),
    ]
    assert not LocateTask.objects.exists()


@pytest.mark.django_db
def test_a_list_headed_passport_number_holds_passports(world) -> None:
    """A list of returnees from abroad as the police send it: 护照号码, no 证件类型."""
    known = passport_holder(world.building_a)
    arrived = timezone.localdate() - timedelta(days=1)
    headers = ["姓名", "护照号码", "联系电话", "入境日期", "出发地", "现住址"]
    headers[3] = "抵达日期"
    rows = [
        ["安娜", PASSPORT, "", arrived, "意大利米兰", ""],
        ["马可", "YA1234567", "", arrived, "意大利罗马", ""],
    ]
    response = upload(world.client("staff_a"), sheet(rows, headers), community=world.community_a.pk)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [(r.outcome, r.doc_type) for r in plan.rows] == [
        ("found", "passport"),
        ("locate", "passport"),
    ]
    assert plan.rows[0].person == known


@pytest.mark.django_db
def test_the_same_passport_twice_in_a_list_is_a_duplicate(world) -> None:
    arrived = timezone.localdate() - timedelta(days=1)
    rows = [
        ["安娜", PASSPORT, "", arrived, "意大利米兰", "", "", "护照"],
        ["安娜", PASSPORT.lower(), "", arrived, "意大利米兰", "", "", "护照"],
    ]
    response = upload(world.client("staff_a"), sheet(rows), community=world.community_a.pk)
    rows = response.context["plan"].rows
    assert [r.outcome for r in rows] == ["locate", "duplicate"]
    assert rows[1].detail == "与第2行证件号码相同"


@pytest.mark.django_db
def test_the_template_has_the_document_type_column_with_an_example(world) -> None:
    response = world.client("staff_a").get(reverse("watch:intake_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert "证件类型" in sheet_rows[0]
    column = sheet_rows[0].index("证件类型")
    assert {row[column] for row in sheet_rows[1:]} >= {"居民身份证", "护照"}
    # Both example rows read as they should, documents and arrival dates alike, once
    # named as someone real (left as they are, they are rows to delete).
    typed_over = [["王五", *sheet_rows[1][1:]], ["赵六", *sheet_rows[2][1:]]]
    response = upload(world.client("staff_a"), sheet(typed_over), community=world.community_a.pk)
    plan = response.context["plan"]
    assert plan.problems == []
    assert [row.doc_type for row in plan.rows] == ["id_card", "passport"]


@pytest.mark.django_db
def test_a_located_permit_holder_enters_the_ledger_with_the_permit(world) -> None:
    task = f.locate_task(world.community_a, "陈港", number=HK_PERMIT)
    LocateTask.objects.filter(pk=task.pk).update(doc_type=DocumentType.HK_MACAO)
    response = world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]),
        {"outcome": "located", "building": world.building_a2.pk, "unit": "1", "room": "502"},
    )
    assert response.status_code == 302
    person = Person.objects.with_document(HK_PERMIT).get()
    assert person.doc_type == DocumentType.HK_MACAO
    assert person.birth_date is None
    assert KeyPerson.objects.get().person == person


# --- lists, search, exports and notices ------------------------------------------------


@pytest.fixture
def abroad(world):
    person = passport_holder(world.building_a)
    record = actions.register_key_person(
        person=person,
        category=f.category("境外返回"),
        source="police",
        measure="home",
        start_date=timezone.localdate(),
        by=None,
    )
    f.key_person(world.building_a, "张三")
    return record


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [PASSPORT, PASSPORT.lower(), f" {PASSPORT[:4]} {PASSPORT[4:]} "])
def test_the_register_finds_a_passport_number(world, abroad, typed) -> None:
    page = world.client("staff_a").post(reverse("watch:index"), {"q": typed}).content.decode()
    assert "安娜" in page
    assert "张三" not in page
    assert "E1*****78" in page


@pytest.mark.django_db
def test_the_register_and_its_export_mask_a_passport(world, abroad) -> None:
    client = world.client("staff_a")
    page = client.get(reverse("watch:index")).content.decode()
    assert "E1*****78" in page
    assert PASSPORT not in page
    response = client.post(reverse("watch:export"), {})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "证件类型", "证件号码（脱敏）")
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["安娜"][1:3] == ("护照", "E1*****78")
    assert by_name["张三"][1] == "居民身份证"
    assert PASSPORT not in str(rows)
    stats = client.get(reverse("watch:stats")).content.decode()
    assert PASSPORT not in stats


@pytest.mark.django_db
def test_the_release_notice_names_the_document_masked(world, abroad) -> None:
    abroad.planned_end = timezone.localdate()
    abroad.save(update_fields=["planned_end"])
    client = world.client("staff_a")
    client.post(
        reverse("watch:status", args=[abroad.pk]),
        {"status": "released", "reason": "test_negative"},  # never followed up
    )
    abroad.refresh_from_db()
    assert abroad.status == KeyPerson.Status.RELEASED
    pdf = client.get(reverse("watch:notice", args=[abroad.pk]))
    assert pdf.status_code == 200
    html = render_to_string("watch/notice_pdf.html", {"notices": notices._notices([abroad])})
    assert "（护照：E1*****78）" in html
    assert PASSPORT not in html


# --- the type names, as a spreadsheet writes them ---------------------------------------


@given(
    st.sampled_from(sorted(TYPES_BY_NAME)),
    st.sampled_from(["", " ", "　"]),
    st.sampled_from(["", " ", "　"]),
)
def test_every_name_of_a_type_is_read_with_any_spacing(name, before, after) -> None:
    spaced = before + " ".join(name) + after
    assert document_type_named(spaced) == TYPES_BY_NAME[name]


@given(st.text(max_size=20))
def test_any_other_text_is_refused_with_the_list_of_types(text) -> None:
    if "".join(half_width(text).split()) in TYPES_BY_NAME:
        assert document_type_named(text) in TYPE_NAMES
        return
    with pytest.raises(DocumentError, match="证件类型应为 居民身份证、护照"):
        document_type_named(text)


def test_the_names_cover_every_type_the_ledger_has() -> None:
    assert set(TYPE_NAMES) == set(DocumentType.values)
    assert all(names[0] in TYPES_BY_NAME for names in TYPE_NAMES.values())
