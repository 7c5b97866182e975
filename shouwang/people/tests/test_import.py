"""Excel import through the pages: upload → background check → preview of every
problem by row and column → commit. Malformed files get a clear Chinese message, never
a 500, and write nothing."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.accounts.models import AuditEvent
from shouwang.core import pii
from shouwang.core.tests.sheets import messy_workbook
from shouwang.core.xlsx import NOT_TEXT_MESSAGES, XLSX_CONTENT_TYPE, workbook_bytes
from shouwang.people.addresses import ROOM_APART, ROOM_NO_NUMBER
from shouwang.people.importing import TEMPLATE_HEADERS
from shouwang.people.models import Change, Household, ImportJob, Person
from shouwang.people.tests.factories import compose_id_card, template_row, xlsx_upload

ID1 = "410105199001011233"
ID2 = "41010519920304122X"
ID3 = "410105200105063527"


def uploads_left() -> list[Path]:
    return list((Path(settings.VAR_DIR) / "uploads").glob("*"))


def test_the_template_has_chinese_headers_and_an_example(world):
    response = world.client("staff_a").get(reverse("people:import_template"))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == TEMPLATE_HEADERS
    assert rows[1][0] == "张三"


def test_it_imports_a_checked_file_and_reimporting_updates_without_duplicates(world, importer):
    rows = [
        template_row("刘备", ID1, "13800138000", tags="慢性病、低保", party_member="是"),
        template_row("关羽", ID2, "", relation="兄弟姐妹", unit="2单元", room="301室"),
        template_row("张飞", ID3, "13700137000", building="2号楼", unit="1", room="101"),
    ]
    job = importer.upload(xlsx_upload(rows))
    assert job.status == ImportJob.Status.CHECKED
    assert (job.valid_rows, job.problem_count, job.new_persons, job.new_households) == (3, 0, 3, 2)
    assert "确认导入 3 行" in importer.page(job)
    assert not Person.objects.exists()  # nothing written before the commit
    importer.commit(job)
    assert job.status == ImportJob.Status.DONE
    liu = Person.objects.get(name="刘备")
    assert liu.household.address == "西城花园1号楼2单元301"
    assert liu.birth_date.isoformat() == "1990-01-01"
    assert {t.name for t in liu.tags.all()} == {"慢性病", "低保"}
    assert liu.party_member
    assert Person.objects.get(name="关羽").household == liu.household
    assert Household.objects.count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1
    assert uploads_left() == []

    again = importer.upload(xlsx_upload(rows))
    importer.commit(again)
    assert (again.new_persons, again.updated_persons, again.new_households) == (0, 0, 0)
    assert Person.objects.count() == 3

    rows[0] = template_row("刘备", ID1, "13900139000", tags="慢性病、低保", party_member="是")
    changed = importer.upload(xlsx_upload(rows))
    importer.commit(changed)
    assert (changed.new_persons, changed.updated_persons) == (0, 1)
    assert Person.objects.count() == 3
    change = Change.objects.get(person=liu, action=Change.Action.IMPORT_UPDATE)
    assert change.changes == [["手机号", "138****8000", "139****9000"]]
    liu.refresh_from_db()
    assert liu.version == 2


def test_it_maps_free_text_addresses_onto_buildings_and_lists_the_rest(world, importer):
    upload = xlsx_upload(
        [
            ["刘备", ID1, "13800138000", "1号楼2单元301"],
            ["关羽", ID2, "", "西城花园2号楼1单元101室"],
            ["张飞", ID3, "", "9号楼1单元101"],
            ["赵云", "", "", "幸福路88号院子里"],
        ],
        headers=["姓名", "身份证号", "联系电话", "住址"],
    )
    job = importer.upload(upload)
    assert job.valid_rows == 2
    problems = list(job.problems.values_list("row", "column", "kind", "message"))
    assert problems[0][:3] == (4, "住址", "address")
    assert "找不到楼栋“9号楼”" in problems[0][3]
    assert problems[1][:3] == (5, "住址", "address")
    assert "无法识别" in problems[1][3]
    page = importer.page(job)
    assert "地址未匹配" in page
    assert "2 行地址对应不上楼栋" in page
    importer.commit(job)
    assert Person.objects.get(name="关羽").household.area == world.building_a2


def test_a_floor_written_in_the_address_is_read_as_a_floor_not_a_building(world, importer):
    # "3楼" is the floor the room is on; it was taken for building 3 with "1号楼2单元"
    # as a compound, and the row refused as 找不到小区“1号楼2单元”.
    upload = xlsx_upload(
        [["刘备", ID1, "1号楼2单元3楼301"], ["关羽", ID2, "西城花园2号楼1单元1层101室"]],
        headers=["姓名", "身份证号", "住址"],
    )
    job = importer.upload(upload)
    assert list(job.problems.values_list("message", flat=True)) == []
    importer.commit(job)
    liu = Person.objects.get(name="刘备")
    assert (liu.household.area, liu.household.unit, liu.household.room) == (
        world.building_a,
        "2",
        "301",
    )
    assert Person.objects.get(name="关羽").household.area == world.building_a2


def test_an_ambiguous_building_asks_for_the_compound(world, django_capture_on_commit_callbacks):
    client = world.client("hq")  # the sub-district has a 1号楼 in two compounds
    upload = xlsx_upload([["刘备", ID1, "1号楼2单元301"]], headers=["姓名", "身份证号", "住址"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:import"), {"file": upload})
    message = ImportJob.objects.get().problems.get().message
    assert "多个小区" in message
    assert "八一新苑" in message
    assert "西城花园" in message


ROWS_10K = 10_000


@pytest.fixture(scope="module")
def ten_thousand_rows() -> bytes:
    """10,000 rows of which three are bad: a check digit, a phone, a building."""
    from datetime import date, timedelta

    rows = []
    for i in range(ROWS_10K):
        born = date(1950, 1, 1) + timedelta(days=i * 2)
        doc = compose_id_card("410105", born, i % 1000)
        rows.append(template_row(f"居民{i}", doc, f"139{i:08d}", room=str(1000 + i)))
    rows[3][2] = rows[3][2][:17] + ("0" if rows[3][2][17] != "0" else "1")
    rows[4999][3] = "1390000"
    rows[8999][5] = "99号楼"
    return workbook_bytes(TEMPLATE_HEADERS, rows)


def _file(content: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


def test_ten_thousand_rows_with_three_bad_ones_in_strict_mode_write_nothing(
    world, importer, ten_thousand_rows
):
    job = importer.upload(_file(ten_thousand_rows), strict=True)
    assert job.status == ImportJob.Status.CHECKED
    assert job.total_rows == ROWS_10K
    problems = list(job.problems.values_list("row", "column", "message"))
    assert [(r, c) for r, c, _ in problems] == [(5, "证件号码"), (5001, "手机号"), (9001, "楼栋")]
    assert "校验位不正确" in problems[0][2]
    assert "11位" in problems[1][2]
    assert "没有楼栋“99号楼”" in problems[2][2]
    assert "严格模式" in importer.page(job)
    importer.commit(job)
    assert job.status == ImportJob.Status.CHECKED
    assert not Person.objects.exists()
    assert not Household.objects.exists()


def test_ten_thousand_rows_with_three_bad_ones_commit_the_rest(world, importer, ten_thousand_rows):
    job = importer.upload(_file(ten_thousand_rows))
    assert job.problem_count == 3
    importer.commit(job)
    assert job.status == ImportJob.Status.DONE
    assert Person.objects.count() == ROWS_10K - 3
    assert not Person.objects.filter(name__in=["居民3", "居民4999", "居民8999"]).exists()
    assert uploads_left() == []


def _failed(job) -> str:
    assert job.status == ImportJob.Status.FAILED
    assert not Person.objects.exists()
    assert uploads_left() == []
    return job.message


def test_wrong_headers_are_refused_with_the_expected_ones(world, importer):
    job = importer.upload(xlsx_upload([["a", "b"]], headers=["名字", "号码", "地方"]))
    message = _failed(job)
    assert "没有找到表头" in message
    assert "姓名" in message
    assert "没有找到表头" in importer.page(job)


def test_two_columns_naming_one_thing_are_refused_not_guessed(world, importer):
    upload = xlsx_upload(
        [["刘备", ID1, "河南省开封市某村", "西城花园1号楼2单元301"]],
        headers=["姓名", "身份证号", "家庭住址", "现住址"],
    )
    job = importer.upload(upload)
    assert "表头中“家庭住址”和“现住址”都是住址列" in _failed(job)
    assert "都是住址列" in importer.page(job)


def test_headers_without_an_address_are_refused(world, importer):
    job = importer.upload(xlsx_upload([["刘备", ID1]], headers=["姓名", "身份证号"]))
    assert "缺少地址列" in _failed(job)


def test_an_empty_sheet_is_refused(world, importer):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    job = importer.upload(_file(buffer.getvalue()))
    assert "表格是空的" in _failed(job)


def test_a_sheet_with_only_headers_is_refused(world, importer):
    job = importer.upload(xlsx_upload([]))
    assert "没有数据行" in _failed(job)


def test_formula_cells_are_reported_not_evaluated(world, importer):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(template_row('=HYPERLINK("http://x","点我")', ID1))
    sheet.append(template_row("关羽", ID2, room="=1+301"))
    sheet.append(template_row("张飞", ID3, room="302"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = importer.upload(_file(buffer.getvalue()))
    problems = list(job.problems.values_list("row", "column", "message"))
    assert [(r, c) for r, c, _ in problems] == [(2, "姓名"), (3, "房号")]
    assert all("公式" in m for _, _, m in problems)
    importer.commit(job)
    assert list(Person.objects.values_list("name", flat=True)) == ["张飞"]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _refused(importer, upload) -> str:
    assert importer.upload(upload) is None
    assert importer.response.status_code == 400
    assert not ImportJob.objects.exists()
    assert uploads_left() == []
    return importer.response.content.decode()


def test_a_zip_bomb_is_refused(world, importer):
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"0" * 50_000_000})
    assert len(bomb) < 100_000
    assert "疑似恶意文件" in _refused(importer, _file(bomb))


def test_a_file_renamed_to_xlsx_is_refused(world, importer):
    text = "姓名,身份证号\n刘备,410105199001011233\n".encode()
    assert "这不是Excel文件" in _refused(importer, _file(text, "台账.xlsx"))


def test_an_oversized_file_is_refused(world, importer, settings):
    settings.UPLOAD_MAX_BYTES = 2000
    assert "文件过大" in _refused(importer, xlsx_upload([template_row("刘备", ID1)] * 50))


def test_a_corrupt_sheet_is_reported_not_a_500(world, importer):
    valid = xlsx_upload([template_row("刘备", ID1)]).read()
    with zipfile.ZipFile(io.BytesIO(valid)) as source:
        members = {n: source.read(n) for n in source.namelist()}
    members["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c>broken"
    job = importer.upload(_file(_zip(members)))
    assert "损坏" in _failed(job)


def test_problems_are_found_row_by_row(world, importer, ledger):
    rows = [
        template_row("", ID1),
        template_row("刘备", "410105199002301234"),
        template_row("关羽", ID2, building="", compound=""),
        template_row("张飞", ID3),
        template_row("张飞二", ID3),
        template_row("王大锤", "410105198506071253"),  # registered in community B
        template_row("赵云", "", tags="火星人"),
        template_row("马超", "", room=""),
        template_row("黄忠", "", residence_type="旅居"),
    ]
    rows.append(template_row("数字号", ""))
    job = importer.upload(xlsx_upload(rows))
    found = {(r, c): m for r, c, m in job.problems.values_list("row", "column", "message")}
    assert "缺少必填项：姓名" in found[(2, "姓名")]
    assert "出生日期不存在" in found[(3, "证件号码")]
    assert "楼栋" in found[(4, "楼栋")]
    assert "与第5行的证件号码重复" in found[(6, "证件号码")]
    assert "辖区以外登记" in found[(7, "证件号码")]
    assert "标签“火星人”" in found[(8, "标签")]
    assert "房号" in found[(9, "房号")]
    assert "居住类型" in found[(10, "居住类型")]
    assert job.valid_rows == 2  # 张飞 and 数字号
    response = importer.client.get(reverse("people:import_problems", args=[job.code]))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows())) == 1 + len(found)


def test_an_id_and_a_phone_typed_in_full_width_are_imported_as_digits(world, importer):
    wide = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    job = importer.upload(
        xlsx_upload([template_row("刘备", ID2.translate(wide), "13800138000".translate(wide))])
    )
    assert (job.valid_rows, job.problem_count) == (1, 0)
    importer.commit(job)
    liu = Person.objects.get()
    assert (liu.document_number, liu.phone, liu.doc_tail, liu.phone_last4) == (
        ID2,
        "13800138000",
        pii.tail_hash("122X"),
        "8000",
    )
    again = importer.upload(xlsx_upload([template_row("刘备", ID2, "13800138000")]))
    importer.commit(again)
    assert (again.new_persons, Person.objects.count()) == (0, 1)


def test_an_id_saved_as_a_number_is_reported(world, importer):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(TEMPLATE_HEADERS)
    workbook.active.append(template_row("刘备", 410105199001011233))
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = importer.upload(_file(buffer.getvalue()))
    assert "存成了数字" in job.problems.get().message


def test_a_permit_number_excel_stored_as_a_number_is_reported_with_its_lost_zero(world, importer):
    """台胞证 01234567 in a cell Excel stored as a number reads 1234567: the message
    says Excel dropped the leading 0, not that the number should be 8 digits."""
    rows = [
        template_row("林志玲", 1234567, doc_type="台胞证"),
        template_row("周杰伦", 12345678, doc_type="台胞证", room="302"),
    ]
    job = importer.upload(xlsx_upload(rows))
    problem = job.problems.get()
    assert problem.row == 2
    assert "开头的0" in problem.message
    assert "文本" in problem.message
    assert job.valid_rows == 1


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (datetime.datetime(2020, 1, 1), NOT_TEXT_MESSAGES["date"]),
        (True, NOT_TEXT_MESSAGES["bool"]),
        (3.5, NOT_TEXT_MESSAGES["number"]),
    ],
)
def test_a_name_cell_that_is_not_text_is_reported_not_registered(world, importer, cell, message):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(TEMPLATE_HEADERS)
    workbook.active.append(template_row(cell, ID1))
    workbook.active.append(template_row("关羽", ID2, room="302"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = importer.upload(_file(buffer.getvalue()))
    problem = job.problems.get()
    assert (problem.row, problem.column, problem.message) == (2, "姓名", message)
    importer.commit(job)
    assert list(Person.objects.values_list("name", flat=True)) == ["关羽"]


def test_the_data_sheet_is_found_past_instructions_a_hidden_sheet_and_a_title_row(world, importer):
    rows = [template_row("刘备", ID1), [None] * 14, template_row("关羽", "123")]
    job = importer.upload(_file(messy_workbook(TEMPLATE_HEADERS, rows)))
    assert job.status == ImportJob.Status.CHECKED
    assert job.valid_rows == 1
    assert list(job.problems.values_list("row", "column")) == [(5, "证件号码")]


def test_a_flat_typed_in_full_width_is_the_same_household(world, importer):
    rows = [
        template_row("刘备", ID1, building="1号楼", unit="2", room="301"),
        template_row("关羽", ID2, building="１号楼", unit="２", room="３０１室"),
    ]
    importer.commit(importer.upload(xlsx_upload(rows)))
    assert Household.objects.get().persons.count() == 2


def test_overlong_cells_are_problems_not_truncated_or_slow(world, importer):
    rows = [
        ["刘备", ID1, "1" * 32_000, ""],
        ["关羽", ID2, "1号楼2单元301", "备" * 1001],
        ["张飞", ID3, "1号楼2单元301", "备" * 1000],
    ]
    job = importer.upload(xlsx_upload(rows, headers=["姓名", "身份证号", "住址", "备注"]))
    problems = list(job.problems.values_list("row", "column", "message"))
    assert problems == [
        (2, "住址", "地址过长（最多200字），请只写楼栋、单元和房号"),
        (3, "备注", "备注过长（最多1000字）"),
    ]
    job = importer.upload(xlsx_upload([template_row("刘备", ID1, room="3" * 41)]))
    assert job.problems.get().message == "房号过长（最多40字）"


def test_a_cancelled_import_leaves_no_files(world, importer):
    job = importer.upload(xlsx_upload([template_row("刘备", ID1)]))
    assert uploads_left()  # the staged rows wait for the commit
    importer.client.post(reverse("people:import_cancel", args=[job.code]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert uploads_left() == []
    importer.commit(job)
    assert not Person.objects.exists()


def test_the_progress_page_polls_while_running_and_reloads_when_done(world, importer):
    job = ImportJob.objects.create(
        area=world.community_a,
        created_by=world.staff_a,
        filename="大.xlsx",
        status=ImportJob.Status.CHECKING,
        total_rows=1000,
        checked_rows=250,
    )
    url = reverse("people:import_job", args=[job.code])
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "job-progress"}
    response = importer.client.get(url, **poll)
    text = response.content.decode()
    assert 'hx-trigger="every 1s"' in text
    assert 'aria-valuenow="25"' in text
    assert "<html" not in text
    job.status = ImportJob.Status.CHECKED
    job.save()
    assert importer.client.get(url, **poll)["HX-Refresh"] == "true"


def test_another_communitys_import_is_not_found(world, importer):
    job = importer.upload(xlsx_upload([template_row("刘备", ID1)]))
    client = world.client("staff_b")
    assert client.get(reverse("people:import_job", args=[job.code])).status_code == 404
    assert client.post(reverse("people:import_commit", args=[job.code])).status_code == 404


def test_the_progress_bar_knows_how_many_rows_to_expect(tmp_path):
    from openpyxl import Workbook

    from shouwang.people.importing import estimate_rows

    rows = [template_row(f"居民{i}", "", room=str(i)) for i in range(3000)]
    streamed = tmp_path / "streamed.xlsx"  # openpyxl's write-only mode: no <dimension>
    streamed.write_bytes(workbook_bytes(TEMPLATE_HEADERS, rows))
    assert 0.8 * 3001 < estimate_rows(streamed) < 1.2 * 3001
    workbook = Workbook()  # a normal save, like Excel's, declares the sheet's size
    for row in [TEMPLATE_HEADERS, *rows]:
        workbook.active.append(row)
    declared = tmp_path / "declared.xlsx"
    workbook.save(declared)
    assert estimate_rows(declared) == 3001


def test_a_stalled_import_can_be_cancelled(world, importer):
    from datetime import timedelta

    from django.utils import timezone

    job = ImportJob.objects.create(
        area=world.community_a, filename="卡住.xlsx", status=ImportJob.Status.CHECKING
    )
    url = reverse("people:import_cancel", args=[job.code])
    importer.client.post(url)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKING  # still working: not cancelled
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    assert "可能已中断" in importer.page(job)
    importer.client.post(url)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED


def test_a_two_row_header_with_the_address_merged_over_its_parts_is_read(world, importer):
    """Ledgers kept by communities often group 楼栋/单元/房号 under one merged 住址 cell,
    the other column names merged down over both header rows."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["西城社区居民台账"])
    sheet.merge_cells("A1:G1")
    sheet.append(["序号", "姓名", "身份证号", "联系电话", "住址", None, None])
    sheet.append([None, None, None, None, "楼栋", "单元", "房号"])
    sheet.merge_cells("E2:G2")
    for column in "ABCD":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.append([1, "刘备", ID1, "13800138000", "1号楼", 2, 301])
    sheet.append([2, "关羽", "123", "", "2号楼", 1, 101])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = importer.upload(_file(buffer.getvalue()))
    assert job.status == ImportJob.Status.CHECKED
    assert job.valid_rows == 1
    assert list(job.problems.values_list("row", "column")) == [(5, "证件号码")]
    importer.commit(job)
    assert Person.objects.get().household.address == "西城花园1号楼2单元301"


def test_rows_with_only_a_serial_number_or_spaces_are_blank_rows(world, importer):
    """Community sheets number 序号 down past the last person, and leave cells holding a
    space: such rows are not persons with a missing name and address."""
    rows = [
        [1, "刘备", ID1, "1号楼2单元301"],
        [2, " ", "", "\u3000"],
        [3, "关羽", ID2, "1号楼2单元302"],
        [4, None, None, None],
        [5, None, None, None],
        ["合计", None, None, None],
    ]
    job = importer.upload(
        xlsx_upload(rows, headers=["序号", "姓名", "身份证号", "住址"]), strict=True
    )
    assert list(job.problems.values_list("row", "message")) == []
    assert (job.total_rows, job.valid_rows) == (2, 2)
    importer.commit(job)
    assert Person.objects.count() == 2


def test_a_problem_quoting_a_cell_masks_the_id_or_phone_in_it(world, importer):
    """Columns shifted by one put an ID number under 住址 or 标签; the problem quotes the
    cell, and is stored and shown like any other page: masked."""
    rows = [
        ["关羽", "", "", "41010519920304122X", ""],
        ["张飞", "", "", "1号楼2单元303", ID3],
        ["赵云", "", "", "13800138000", ""],
    ]
    job = importer.upload(xlsx_upload(rows, headers=["姓名", "身份证号", "手机号", "住址", "标签"]))
    messages = list(job.problems.order_by("row").values_list("message", flat=True))
    assert "410105********122X" in messages[0]
    assert "410105********3527" in messages[1]
    assert "138****8000" in messages[2]
    page = importer.page(job)
    for number in (ID2, ID3, "13800138000"):
        assert number not in page
        assert not any(number in message for message in messages)


def test_a_phone_written_after_the_room_is_not_glued_onto_it(world, importer):
    # The spaces were dropped and the row imported as room 30113800138000: a wrong
    # household, and a phone in plain text in its address.
    upload = xlsx_upload(
        [["刘备", ID1, "1号楼2单元301 13800138000"]], headers=["姓名", "身份证号", "住址"]
    )
    job = importer.upload(upload)
    assert job.valid_rows == 0
    assert "无法识别" in job.problems.get().message
    assert not Household.objects.filter(room__contains="13800138000").exists()


def test_a_phone_written_after_the_room_in_its_own_column_is_refused(world, importer):
    upload = xlsx_upload(
        [["刘备", ID1, "1号楼", "2", "301 13800138000"]],
        headers=["姓名", "身份证号", "楼栋", "单元", "房号"],
    )
    job = importer.upload(upload)
    assert job.valid_rows == 0
    problem = job.problems.get()
    assert (problem.column, problem.message) == ("房号", ROOM_APART)
    assert not Household.objects.filter(room__contains="13800138000").exists()


@pytest.mark.parametrize("room", ["-", "室", "#"])
def test_a_room_without_a_number_in_its_own_column_is_refused(world, importer, room):
    upload = xlsx_upload(
        [["刘备", ID1, "1号楼", "2", room]],
        headers=["姓名", "身份证号", "楼栋", "单元", "房号"],
    )
    job = importer.upload(upload)
    assert job.valid_rows == 0
    problem = job.problems.get()
    assert (problem.column, problem.message) == ("房号", ROOM_NO_NUMBER)
    assert not Household.objects.filter(area=world.building_a).exclude(room="301").exists()


def test_a_name_padded_with_spaces_is_imported_as_the_name(world, importer):
    rows = [template_row("刘 备", ID1), template_row("关\u3000羽", ID2)]
    importer.commit(importer.upload(xlsx_upload(rows)))
    assert set(Person.objects.values_list("name", "name_initials")) == {
        ("刘备", "lb"),
        ("关羽", "gy"),
    }


def test_a_compound_is_known_with_spaces_or_the_word_xiaoqu(world, importer):
    rows = [
        template_row("刘备", ID1, compound="西城 花园"),
        template_row("关羽", ID2, compound="西城花园小区"),
        template_row("张飞", ID3, compound="西城社区西城花园小区"),
    ]
    job = importer.upload(xlsx_upload(rows))
    assert list(job.problems.values_list("row", "message")) == []
    upload = xlsx_upload(
        [["赵云", "", "西城花园小区2号楼1单元101"]], headers=["姓名", "身份证号", "住址"]
    )
    job = importer.upload(upload)
    assert list(job.problems.values_list("row", "message")) == []
    importer.commit(job)
    assert Person.objects.get(name="赵云").household.area == world.building_a2


def test_a_reimported_person_without_a_document_is_not_previewed_as_new(world, importer):
    rows = [template_row("刘备", ID1), template_row("刘禅", "", relation="子女")]
    importer.commit(importer.upload(xlsx_upload(rows)))
    assert Person.objects.count() == 2

    again = importer.upload(xlsx_upload(rows))
    assert (again.new_persons, again.updated_persons) == (0, 2)
    assert "预计新增 0 人" in importer.page(again)
    importer.commit(again)
    assert Person.objects.count() == 2


def test_a_reimport_says_how_many_moved_out_persons_it_puts_back(world, importer):
    from shouwang.people import actions

    rows = [template_row("刘备", ID1), template_row("关羽", ID2, relation="兄弟姐妹")]
    importer.commit(importer.upload(xlsx_upload(rows)))
    liu = Person.objects.get(name="刘备")
    actions.move_out(person=liu, version=liu.version, by=world.staff_a)
    again = importer.upload(xlsx_upload(rows))
    assert (again.updated_persons, again.restored_persons) == (2, 1)
    assert (
        "已在台账 2 人——信息有变化的将更新，其中 1 人已标记迁出，导入后恢复在册"
        in importer.page(again)
    )
    importer.commit(again)
    liu.refresh_from_db()
    assert not liu.moved_out


def test_an_unmasked_export_imports_again_without_the_apostrophes_it_added(world, importer, ledger):
    """The export puts an apostrophe before text a spreadsheet would run as a formula
    (notes "-行动不便"); importing the file takes it off again, changing nobody."""
    Person.objects.filter(pk=ledger.zhang.pk).update(notes="-行动不便")
    Person.objects.filter(pk=ledger.li.pk).update(notes="=独居，需每日探视")
    response = world.client("hq").post(
        reverse("people:export_unmasked"),
        {"area": world.community_a.pk, "purpose": "核对后重新导入"},
    )
    job = importer.upload(_file(response.content))
    assert (job.valid_rows, job.problem_count) == (2, 0)
    importer.commit(job)
    assert (job.new_persons, job.updated_persons) == (0, 0)
    assert not Change.objects.filter(action=Change.Action.IMPORT_UPDATE).exists()
    notes = dict(Person.objects.values_list("name", "notes"))
    assert notes["张三丰"] == "-行动不便"
    assert notes["李小红"] == "=独居，需每日探视"


def test_an_address_merged_down_over_a_familys_rows_is_each_rows_address(world, importer):
    """Community ledgers merge a household's address cells down over its members' rows;
    Excel keeps the value in the first row only."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(template_row("刘备", ID1, relation="户主"))
    sheet.append(template_row("关羽", ID2, relation="兄弟姐妹", compound=None, building=None))
    sheet.append(template_row("张飞", ID3, relation="兄弟姐妹", compound=None, building=None))
    for column in ("E", "F", "G", "H"):  # 小区 楼栋 单元 房号
        sheet.merge_cells(f"{column}2:{column}4")
    sheet.append(template_row("赵云", "", relation="户主", room="302"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = importer.upload(_file(buffer.getvalue()))
    assert list(job.problems.values_list("row", "message")) == []
    assert (job.valid_rows, job.new_households) == (4, 2)
    importer.commit(job)
    liu = Person.objects.get(name="刘备")
    assert set(liu.household.persons.values_list("name", flat=True)) == {"刘备", "关羽", "张飞"}
    assert Person.objects.get(name="赵云").household.room == "302"
