"""外国人永久居留身份证 in the ledger: offered on the person form, read from an import's
证件类型 column, stored and masked like any document, with the birth date a 2023 card
carries (its sex digit is not documented; sex stays empty)."""

from datetime import date

from django.urls import reverse

from shouwang.people.documents import DocumentType, compose_id_card
from shouwang.people.models import Person
from shouwang.people.tests.factories import template_row, xlsx_upload

NEW_CARD = compose_id_card("911840", date(1985, 6, 7), 123)
OLD_CARD = "USA110850607001"


def _register(client, household, **fields):
    data = {
        "name": "安娜",
        "doc_type": "foreign_pr",
        "doc_number": NEW_CARD,
        "relation": "other",
        "residence_type": "permanent",
    }
    return client.post(reverse("people:person_create", args=[household.pk]), data | fields)


def test_the_person_form_offers_the_card(world, ledger):
    client = world.client("staff_a")
    page = client.get(reverse("people:person_create", args=[ledger.home_a.pk])).content.decode()
    assert '<option value="foreign_pr">外国人永久居留身份证</option>' in page


def test_it_registers_a_2023_card_with_its_birth_date(world, ledger):
    client = world.client("staff_a")
    assert _register(client, ledger.home_a).status_code == 302
    anna = Person.objects.with_document(NEW_CARD).get()
    assert (anna.doc_type, anna.birth_date, anna.sex) == ("foreign_pr", date(1985, 6, 7), "")
    page = client.get(reverse("people:person", args=[anna.pk])).content.decode()
    assert "外国人永久居留身份证" in page
    assert "911840********" + NEW_CARD[-4:] in page
    assert NEW_CARD not in page


def test_it_registers_an_older_card_without_a_birth_date(world, ledger):
    response = _register(world.client("staff_a"), ledger.home_a, doc_number=OLD_CARD.lower())
    assert response.status_code == 302
    anna = Person.objects.with_document(OLD_CARD).get()
    assert (anna.document_number, anna.birth_date) == (OLD_CARD, None)
    response = world.client("staff_a").post(reverse("people:index"), {"q": OLD_CARD.lower()})
    assert list(response.context["persons"]) == [anna]


def test_a_card_number_chosen_as_an_id_card_is_refused_with_the_right_type(world, ledger):
    response = _register(world.client("staff_a"), ledger.home_a, doc_type="id_card")
    assert response.status_code == 400
    assert "请将证件类型改为“外国人永久居留身份证”" in response.content.decode()
    response = _register(world.client("staff_a"), ledger.home_a, doc_number="USA1108506070")
    assert response.status_code == 400
    assert "外国人永久居留身份证号码应为18位" in response.content.decode()
    assert not Person.objects.filter(name="安娜").exists()


def test_an_id_card_changed_to_the_card_drops_the_sex_read_from_it(world, ledger):
    """Someone registered under a mistyped type: the number is typed again with the
    right one, and only what the card itself says is kept."""
    url = reverse("people:person_edit", args=[ledger.li.pk])
    data = {
        "version": 1,
        "name": "李小红",
        "doc_type": "foreign_pr",
        "doc_number": NEW_CARD,
        "relation": ledger.li.relation,
        "residence_type": ledger.li.residence_type,
    }
    assert world.client("staff_a").post(url, data).status_code == 302
    ledger.li.refresh_from_db()
    assert (ledger.li.doc_type, ledger.li.birth_date, ledger.li.sex) == (
        "foreign_pr",
        date(1985, 6, 7),
        "",
    )


def test_the_import_reads_the_card_by_any_of_its_names(world, importer):
    rows = [
        template_row("安娜", NEW_CARD, doc_type="永居证"),
        template_row("约翰", OLD_CARD, doc_type="外国人永久居留身份证", room="302"),
        template_row("玛丽", "USA1108506070", doc_type="外国人永久居留证", room="303"),
    ]
    job = importer.upload(xlsx_upload(rows))
    problems = [(p.row, p.column, p.message) for p in job.problems.all()]
    assert problems == [
        (
            4,
            "证件号码",
            "外国人永久居留身份证号码应为18位（2023年12月起的新版）或15位（旧版：3位字母加12位数字）",
        )
    ]
    importer.commit(job)
    anna = Person.objects.with_document(NEW_CARD).get()
    assert (anna.doc_type, anna.birth_date, anna.sex) == ("foreign_pr", date(1985, 6, 7), "")
    john = Person.objects.with_document(OLD_CARD).get()
    assert (john.doc_type, john.birth_date) == (DocumentType.FOREIGN_PR, None)


def test_the_import_page_names_the_types_a_sheet_may_give(world):
    page = world.client("staff_a").get(reverse("people:import")).content.decode()
    assert "“证件类型”一列可填 居民身份证、护照、港澳通行证、台胞证、永居证 或 其他" in page
