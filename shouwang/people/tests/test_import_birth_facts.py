"""出生日期 and 性别 columns of the ledger import, as the hand-entry form takes them:
for a document that does not carry them (passport, HK/Macao/Taiwan permits, no
document yet) they are the person's; where the document carries them (居民身份证) the
document's stay, and a cell saying otherwise is a problem of its row and column. A
re-import updates them; an empty cell never erases them."""

from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from shouwang.core.text import visible
from shouwang.core.xlsx import NOT_TEXT_MESSAGES, XLSX_CONTENT_TYPE
from shouwang.people import exporting
from shouwang.people.documents import BIRTH_DATE_MESSAGE, DocumentError
from shouwang.people.importing import SEX_MESSAGE, TEMPLATE_HEADERS, read_birth_date, read_sex
from shouwang.people.models import Change, Person
from shouwang.people.tests.factories import ID1, template_row, workbook_upload

TODAY = date(2026, 11, 25)


def passport_row(**cells):
    return template_row("约翰", "E12345678", doc_type="护照", **cells)


def test_the_template_has_sex_and_birth_date_columns_where_an_export_has_them(world):
    # An unmasked export is re-imported: its columns start with the template's.
    assert TEMPLATE_HEADERS[-2:] == ["性别", "出生日期"]
    assert exporting.HEADERS[: len(TEMPLATE_HEADERS)] == TEMPLATE_HEADERS
    response = world.client("staff_a").get(reverse("people:import"))
    assert "“出生日期”“性别”两列供持护照" in response.content.decode()


@pytest.mark.parametrize("born", ["1980-05-06", "1980/5/6", "1980年5月6日", date(1980, 5, 6)])
def test_a_passport_holder_is_imported_with_birth_date_and_sex(world, importer, born):
    job = importer.upload(workbook_upload([passport_row(birth_date=born, sex="女")]))
    assert not job.problems.exists()
    importer.commit(job)
    john = Person.objects.get()
    assert (john.birth_date, john.sex) == (date(1980, 5, 6), "F")
    assert john.age is not None


def test_a_person_without_a_document_gets_them_too(world, importer):
    importer.commit(importer.upload(workbook_upload([template_row("小明", "", sex="男")])))
    assert Person.objects.get().sex == "M"


def test_a_reimport_updates_them_and_an_empty_cell_keeps_them(world, importer):
    importer.commit(importer.upload(workbook_upload([passport_row(birth_date="1980-05-06")])))
    job = importer.upload(workbook_upload([passport_row(birth_date="1981-01-02", sex="男")]))
    assert (job.new_persons, job.updated_persons) == (0, 1)
    importer.commit(job)
    john = Person.objects.get()
    assert (john.birth_date, john.sex, john.version) == (date(1981, 1, 2), "M", 2)
    change = Change.objects.get(person=john, action=Change.Action.IMPORT_UPDATE)
    assert ["出生日期", "1980-05-06", "1981-01-02"] in change.changes
    assert ["性别", "", "男"] in change.changes
    importer.commit(importer.upload(workbook_upload([passport_row()])))
    john.refresh_from_db()
    assert (john.birth_date, john.sex, john.version) == (date(1981, 1, 2), "M", 2)


def test_an_id_card_row_giving_the_same_facts_is_imported(world, importer):
    # ID1 410105199001011233: born 1990-01-01, male.
    rows = [template_row("刘备", ID1, birth_date="1990-01-01", sex="男")]
    job = importer.upload(workbook_upload(rows))
    assert not job.problems.exists()
    importer.commit(job)
    assert (Person.objects.get().birth_date, Person.objects.get().sex) == (date(1990, 1, 1), "M")


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"birth_date": "1991-01-01"}, "出生日期", "出生日期以证件号码为准"),
        ({"sex": "女"}, "性别", "性别以证件号码为准：证件号码显示为男"),
    ],
)
def test_an_id_card_row_contradicting_its_number_is_a_problem(
    world, importer, cells, column, message
):
    problem = importer.refused_row(**cells)
    assert (problem.row, problem.column) == (2, column)
    assert message in problem.message
    assert "410105" not in problem.message


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"birth_date": "1980-02-30"}, "出生日期", "出生日期“1980-02-30”不存在"),
        ({"birth_date": "2999-01-01"}, "出生日期", BIRTH_DATE_MESSAGE),
        ({"birth_date": "1889-12-31"}, "出生日期", BIRTH_DATE_MESSAGE),
        ({"birth_date": "去年"}, "出生日期", "出生日期应写成 1980-05-06 的形式"),
        ({"birth_date": True}, "出生日期", NOT_TEXT_MESSAGES["bool"]),
        ({"birth_date": 3.5}, "出生日期", "出生日期应写成 1980-05-06 的形式"),
        ({"sex": "未知"}, "性别", "性别请填“男”或“女”"),
        ({"sex": True}, "性别", NOT_TEXT_MESSAGES["bool"]),
    ],
)
def test_a_bad_birth_date_or_sex_is_a_problem_of_its_row(world, importer, cells, column, message):
    problem = importer.refused_row(doc_type="护照", doc="E12345678", **cells)
    assert (problem.row, problem.column) == (2, column)
    assert message in problem.message


# The cell readers ----------------------------------------------------------------------


def _outcome(read, cell):
    """What a reader makes of ``cell``: (value, "") or (None, its message)."""
    try:
        return read(cell), ""
    except DocumentError as exc:
        return None, str(exc)


dates = st.dates(min_value=date(1890, 1, 1), max_value=TODAY)
FORMATS = ["{:%Y-%m-%d}", "{0.year}/{0.month}/{0.day}", "{0.year}年{0.month}月{0.day}日"]
FORMATS += ["{0.year}.{0.month}.{0.day}", "{:%Y%m%d}", " {:%Y-%m-%d} ", "{:%Y－%m－%d}"]


@given(dates, st.sampled_from(FORMATS))
def test_every_possible_birth_date_is_read_back_as_written(born, form):
    assert read_birth_date(form.format(born), today=TODAY) == born
    assert read_birth_date(born, today=TODAY) == born
    assert read_birth_date(datetime(born.year, born.month, born.day), today=TODAY) == born  # noqa: DTZ001
    assert read_birth_date(int(f"{born:%Y%m%d}"), today=TODAY) == born


@given(st.dates().filter(lambda d: d > TODAY or d.year < 1890))
def test_a_birth_date_after_today_or_before_1890_is_refused(born):
    for cell in (born, born.isoformat()):
        with pytest.raises(DocumentError, match="出生日期不合理"):
            read_birth_date(cell, today=TODAY)


@given(
    st.one_of(
        st.text(max_size=20),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.datetimes(),
        st.times(),
        st.none(),
    )
)
def test_any_birth_date_cell_is_a_plausible_date_nothing_or_a_chinese_message(cell):
    born, message = _outcome(lambda c: read_birth_date(c, today=TODAY), cell)
    if message:
        assert any("\u4e00" <= c <= "\u9fff" for c in message)
    else:
        assert born is None or date(1890, 1, 1) <= born <= TODAY


@given(st.one_of(st.text(max_size=10), st.integers(), st.booleans(), st.none()))
def test_any_sex_cell_is_male_female_nothing_or_a_chinese_message(cell):
    sex, message = _outcome(read_sex, cell)
    if message:
        assert message in {SEX_MESSAGE, *NOT_TEXT_MESSAGES.values()}
    else:
        assert sex in ("M", "F", "")
        # Nothing is read from a cell that shows nothing.
        assert sex or cell is None or not visible(str(cell)).strip()


@pytest.mark.parametrize(("cell", "sex"), [("男", "M"), (" 女 ", "F"), ("男性", "M"), ("F", "F")])
def test_sex_is_read_as_registers_write_it(cell, sex):
    assert read_sex(cell) == sex


def test_an_empty_cell_is_no_birth_date():
    assert read_birth_date("  ", today=timezone.localdate()) is None
    assert read_birth_date(None, today=TODAY - timedelta(days=1)) is None


def test_an_unmasked_export_is_imported_again_without_a_change(world, ledger, importer):
    importer.commit(importer.upload(workbook_upload([passport_row(birth_date="1980-05-06")])))
    response = world.client("hq").post(
        reverse("people:export_unmasked"),
        {"area": world.community_a.pk, "purpose": "报送区指挥部核酸检测名单"},
    )
    upload = SimpleUploadedFile("导出.xlsx", response.content, content_type=XLSX_CONTENT_TYPE)
    job = importer.upload(upload)
    assert not job.problems.exists()
    importer.commit(job)
    assert not Change.objects.filter(action=Change.Action.IMPORT_UPDATE).exists()
    john = Person.objects.get(name="约翰")
    assert (john.birth_date, john.sex, john.version) == (date(1980, 5, 6), "", 1)
    assert Person.objects.get(pk=ledger.zhang.pk).version == 1
