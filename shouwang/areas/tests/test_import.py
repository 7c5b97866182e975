"""Importing the tree from Excel: template, preview of problems, all-or-nothing commit."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shouwang.accounts.models import AuditEvent
from shouwang.areas import actions, importing
from shouwang.areas.importing import HEADERS
from shouwang.areas.models import NAME_START_MESSAGE, Area
from shouwang.core.tests.personas import World
from shouwang.core.tests.sheets import broken_sheet, messy_workbook
from shouwang.core.xlsx import FORMULA_MESSAGE, NOT_TEXT_MESSAGES

UPLOAD = reverse("areas:import")
COMMIT = reverse("areas:import_commit")
ROWS = [
    ["示范区", "明湖街道", "西城社区", "西城花园", "3号楼", 48],
    ["", "明湖街道", "西城社区", "锦绣家园", "1号楼", 36],
    ["", "", "丰庆社区", "丰庆小区", "1号楼", ""],
    ["", "", "丰庆社区", "丰庆小区", "2号楼", 20],
    ["", "", "文化社区", "", "", ""],
]
NEW_NODES = 8  # 3号楼; 锦绣家园 + 1号楼; 丰庆社区 + 丰庆小区 + 2 buildings; 文化社区


def xlsx(rows: list[list], header: list[str] | None = HEADERS, name: str = "辖区.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client: Client, file) -> object:
    return client.post(UPLOAD, {"file": file})


def problems(response) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in response.context["plan"].problems]


def test_it_offers_a_template(world: World) -> None:
    response = world.client("hq").get(reverse("areas:import_template"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    assert list(rows[1][:2]) == ["示范区", "明湖街道"]  # the user's own chain, importable as is


def test_the_template_of_a_community_names_it(world: World) -> None:
    url = f"{reverse('areas:import_template')}?area={world.community_a.pk}"
    response = world.client("hq").get(url)
    sample = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1]
    assert list(sample[:3]) == ["示范区", "明湖街道", world.community_a.name]


def test_the_downloaded_template_imports_cleanly(world: World) -> None:
    client = world.client("hq")
    content = client.get(reverse("areas:import_template")).content
    response = upload(client, SimpleUploadedFile("模板.xlsx", content))
    assert response.context["plan"].ok


def test_it_imports_under_the_node_it_was_opened_from(world: World) -> None:
    client = world.client("hq")
    node_page = client.get(reverse("areas:node", kwargs={"pk": world.compound_a.pk}))
    link = f"{UPLOAD}?area={world.compound_a.pk}"
    assert link in node_page.content.decode()
    response = client.post(link, {"file": xlsx([["", "", "", "", "9号楼", 12]])})
    assert response.context["plan"].ok, problems(response)
    token = response.context["token"]
    done = client.post(COMMIT, {"token": token, "area": world.compound_a.pk})
    assert done["Location"] == reverse("areas:node", kwargs={"pk": world.compound_a.pk})
    assert Area.objects.get(name="9号楼").parent == world.compound_a


def test_a_row_naming_another_compound_is_refused_under_a_compound(world: World) -> None:
    client = world.client("hq")
    link = f"{UPLOAD}?area={world.compound_a.pk}"
    response = client.post(link, {"file": xlsx([["", "", "", "别的小区", "1号楼", ""]])})
    assert problems(response) == [
        (
            2,
            "小区/村民组",
            f"不在“{world.compound_a.name}”范围内（应为“{world.compound_a.name}”或留空）",
        )
    ]


def test_a_building_offers_no_import(world: World) -> None:
    client = world.client("hq")
    page = client.get(reverse("areas:node", kwargs={"pk": world.building_a.pk})).content.decode()
    assert "从Excel导入" not in page
    assert client.get(f"{UPLOAD}?area={world.building_a.pk}").status_code == 404


@pytest.mark.parametrize("value", ["abc", "999999", "²", "①"])
def test_an_unknown_area_is_a_404(world: World, value: str) -> None:
    client = world.client("hq")
    assert client.get(f"{UPLOAD}?area={value}").status_code == 404
    assert client.get(reverse("areas:import_template"), {"area": value}).status_code == 404
    assert client.post(COMMIT, {"area": value, "token": "x"}).status_code == 404


def test_an_area_outside_the_users_subtree_is_a_404(world: World) -> None:
    client = world.client("hq")
    assert client.get(f"{UPLOAD}?area={world.district.pk}").status_code == 404
    template = f"{reverse('areas:import_template')}?area={world.district.pk}"
    assert client.get(template).status_code == 404


def test_the_preview_counts_new_nodes_and_writes_nothing(world: World) -> None:
    before = Area.objects.count()
    response = upload(world.client("hq"), xlsx(ROWS))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.ok
    assert (plan.new_nodes, plan.existing_nodes) == (NEW_NODES, 2)  # 西城社区, 西城花园 exist
    assert "将新建 8 个节点" in response.content.decode()
    assert Area.objects.count() == before


def test_the_commit_creates_the_nodes(world: World) -> None:
    client = world.client("hq")
    token = upload(client, xlsx(ROWS)).context["token"]
    response = client.post(COMMIT, {"token": token})
    assert response["Location"] == reverse("areas:node", kwargs={"pk": world.subdistrict.pk})
    building = Area.objects.get(name="3号楼")
    assert (building.kind, building.parent, building.expected_households) == (
        Area.Kind.BUILDING,
        world.compound_a,
        48,
    )
    fengqing = Area.objects.get(name="丰庆社区")
    assert fengqing.kind == Area.Kind.COMMUNITY
    assert set(fengqing.descendants().buildings().values_list("name", flat=True)) == {
        "1号楼",
        "2号楼",
    }
    assert Area.objects.get(name="文化社区").parent == world.subdistrict
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.detail == "从Excel导入辖区：5 行，新建 8 个节点"


def test_the_preview_says_which_household_figures_it_changes(world: World) -> None:
    # 1号楼 and 2号楼 of 西城花园 hold 4 households each: a sheet saying 40 for 1号楼
    # overwrites a figure the community keeps, so the preview says so before it does.
    rows = [
        ["", "", "西城社区", "西城花园", "1号楼", 40],
        ["", "", "西城社区", "西城花园", "2号楼", 4],
        ["", "", "西城社区", "西城花园", "5号楼", 8],
    ]
    client = world.client("hq")
    response = upload(client, xlsx(rows))
    plan = response.context["plan"]
    assert (plan.new_nodes, plan.existing_nodes, plan.changed_households) == (1, 4, 1)
    assert "已存在 4 个（其中 1 个的应有户数将按表格修改）" in response.content.decode()
    assert Area.objects.get(pk=world.building_a.pk).expected_households == 4
    follow = client.post(COMMIT, {"token": response.context["token"]}, follow=True)
    assert "导入完成：新建 1 个节点，修改 1 个节点的应有户数" in follow.content.decode()
    assert Area.objects.get(pk=world.building_a.pk).expected_households == 40
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.detail == "从Excel导入辖区：3 行，新建 1 个节点，修改 1 个节点的应有户数"


def test_households_are_refused_where_coverage_ignores_them(world: World) -> None:
    # Coverage counts 应有户数 on buildings and on compounds without buildings: a
    # community's, or a compound's that has buildings (in the database or further down
    # the sheet), would be stored and never count.
    rows = [
        ["", "", "丰庆社区", "", "", 800],
        ["", "", "西城社区", "西城花园", "", 100],
        ["", "", "文化社区", "文化小区", "", 60],
        ["", "", "文化社区", "文化小区", "1号楼", 30],
        ["", "", "文化社区", "三组", "", 40],
    ]
    response = upload(world.client("hq"), xlsx(rows))
    assert problems(response) == [
        (
            2,
            "应有户数",
            "社区/村的应有户数不计入覆盖率（覆盖率按楼栋和没有楼栋的小区/村民组合计），"
            "请留空，在其下的楼栋或小区填写",
        ),
        (3, "应有户数", "“西城花园”已有楼栋，应有户数按各楼栋合计，请留空，在各楼栋上填写"),
        (4, "应有户数", "“文化小区”已有楼栋，应有户数按各楼栋合计，请留空，在各楼栋上填写"),
    ]
    assert not Area.objects.filter(name="丰庆社区").exists()


def test_a_second_import_of_the_same_file_creates_nothing(world: World) -> None:
    client = world.client("hq")
    client.post(COMMIT, {"token": upload(client, xlsx(ROWS)).context["token"]})
    count = Area.objects.count()
    response = upload(client, xlsx(ROWS))
    assert response.context["plan"].new_nodes == 0
    follow = client.post(COMMIT, {"token": response.context["token"]}, follow=True)
    assert "新建 0 个节点" in follow.content.decode()
    assert Area.objects.count() == count


def test_a_token_is_used_once_and_by_its_session_only(world: World) -> None:
    client = world.client("hq")
    token = upload(client, xlsx(ROWS)).context["token"]
    other = world.client("hq")
    assert "已失效" in other.post(COMMIT, {"token": token}, follow=True).content.decode()
    client.post(COMMIT, {"token": token})
    assert "已失效" in client.post(COMMIT, {"token": token}, follow=True).content.decode()


def test_a_titled_data_sheet_after_instructions_and_a_hidden_sheet_imports(world: World) -> None:
    rows = [ROWS[0], ["", "", "", "", "", ""], ["", "东区街道", "东风社区", "", "", ""]]
    content = messy_workbook(HEADERS, rows, title="明湖街道辖区表")
    response = upload(world.client("hq"), SimpleUploadedFile("辖区.xlsx", content))
    assert problems(response) == [(5, "街道/乡镇", "不在“明湖街道”范围内（应为“明湖街道”或留空）")]
    response = upload(
        world.client("hq"), SimpleUploadedFile("辖区.xlsx", messy_workbook(HEADERS, rows[:1]))
    )
    assert response.status_code == 200
    assert response.context["plan"].paths == [(3, ["西城社区", "西城花园", "3号楼"], 48)]


def test_it_reports_wrong_headers(world: World) -> None:
    response = upload(world.client("hq"), xlsx(ROWS, header=["社区", "小区", "楼栋"]))
    assert response.status_code == 400
    assert problems(response)[0][:2] == (1, "")
    assert "表头不正确" in problems(response)[0][2]


def test_it_reports_an_empty_sheet(world: World) -> None:
    response = upload(world.client("hq"), xlsx([], header=None))
    assert response.status_code == 400
    assert problems(response) == [(1, "", "表格是空的")]


def test_a_header_without_rows_is_not_importable(world: World) -> None:
    response = upload(world.client("hq"), xlsx([]))
    assert response.status_code == 400
    assert "文件中没有数据行" in response.content.decode()


def test_it_reports_problems_by_row_and_column(world: World) -> None:
    rows = [
        ["", "", "西城社区", '=HYPERLINK("http://x")', "1号楼", ""],  # row 2: formula
        ["", "东区街道", "东风社区", "", "", ""],  # row 3: outside the jurisdiction
        ["", "", "丰庆社区", "丰庆小区", "1号楼", ""],  # row 4: fine
        ["", "", "丰庆社区", "", "1号楼", ""],  # row 5: a level skipped
        ["", "", "丰庆社区", "丰庆小区", "1号楼", 12],  # row 6: duplicate of row 4
        ["", "", "", "", "", ""],  # row 7: blank, ignored
        ["", "", "", "", "", 5],  # row 8: nothing named
        ["", "", "丰庆社区", "丰庆小区", "2号楼", "很多"],  # row 9: not a number
    ]
    response = upload(world.client("hq"), xlsx(rows))
    assert response.status_code == 400
    assert problems(response) == [
        (2, "小区/村民组", FORMULA_MESSAGE),
        (3, "街道/乡镇", "不在“明湖街道”范围内（应为“明湖街道”或留空）"),
        (
            5,
            "小区/村民组",
            "上一级为空时不能填写下一级（与上一行相同的名称也须在每一行填写，或合并单元格）",
        ),
        (6, "楼栋", "与第4行重复"),
        (8, "", "没有填写下级名称"),
        (9, "应有户数", "应为非负整数"),
    ]
    body = response.content.decode()
    assert "发现 6 个问题" in body
    assert 'name="token"' not in body


@pytest.mark.parametrize(
    ("households", "message"),
    [
        ("²", "应为非负整数"),
        ("①", "应为非负整数"),
        (10_000_001, "户数过大（最多 10000000）"),
        ("=SUM(1,2)", FORMULA_MESSAGE),
    ],
)
def test_an_odd_household_figure_is_a_row_problem(world: World, households, message) -> None:
    rows = [["", "", "西城社区", "新华小区", "9号楼", households]]
    response = upload(world.client("hq"), xlsx(rows))
    assert response.status_code == 400
    assert problems(response) == [(2, "应有户数", message)]
    assert not Area.objects.filter(name="新华小区").exists()


def test_full_width_digits_are_a_household_figure(world: World) -> None:
    client = world.client("hq")
    response = upload(client, xlsx([["", "", "西城社区", "新华小区", "9号楼", "４８"]]))
    assert response.context["plan"].ok
    client.post(COMMIT, {"token": response.context["token"]})
    assert Area.objects.get(name="9号楼").expected_households == 48


def test_a_file_with_problems_changes_nothing(world: World) -> None:
    before = set(Area.objects.values_list("pk", "path"))
    client = world.client("hq")
    response = upload(client, xlsx([*ROWS, ["", "东区街道", "东风社区", "", "", ""]]))
    assert response.status_code == 400
    assert "token" not in response.context
    assert set(Area.objects.values_list("pk", "path")) == before


def test_a_failure_during_the_commit_changes_nothing(world: World, monkeypatch) -> None:
    plan = importing.plan(xlsx(ROWS), root=world.subdistrict)
    before = Area.objects.count()
    real = actions.create_area
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 5:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(actions, "create_area", failing)
    with pytest.raises(RuntimeError):
        importing.commit(plan, by=world.hq)
    assert Area.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


def test_it_refuses_a_file_renamed_to_xlsx(world: World) -> None:
    fake = SimpleUploadedFile("名单.xlsx", "社区,小区\n西城社区,西城花园\n".encode())
    response = upload(world.client("hq"), fake)
    assert response.status_code == 400
    assert "这不是Excel文件" in response.content.decode()


def test_it_refuses_a_zip_bomb(world: World) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    response = upload(world.client("hq"), SimpleUploadedFile("炸弹.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert "疑似恶意文件" in response.content.decode()


def test_it_refuses_an_empty_file(world: World) -> None:
    response = upload(world.client("hq"), SimpleUploadedFile("空.xlsx", b""))
    assert response.status_code == 400


def test_it_refuses_a_post_without_a_file(world: World) -> None:
    response = world.client("hq").post(UPLOAD)
    assert response.status_code == 400


def test_community_staff_cannot_import(world: World) -> None:
    client = world.client("staff_a")
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, xlsx(ROWS)).status_code == 403
    assert client.get(reverse("areas:import_template")).status_code == 403


def test_a_corrupt_sheet_gets_a_message_not_a_500(world: World) -> None:
    broken = broken_sheet(xlsx(ROWS).read())
    before = Area.objects.count()
    response = upload(world.client("hq"), SimpleUploadedFile("辖区.xlsx", broken))
    assert response.status_code == 400
    assert "Excel文件已损坏或格式不受支持" in response.content.decode()
    assert Area.objects.count() == before


def test_names_typed_full_width_or_spaced_are_the_same_place(world: World) -> None:
    """An input method left in full-width mode types "３号楼"; someone else "3 号楼"."""
    client = world.client("hq")
    client.post(COMMIT, {"token": upload(client, xlsx(ROWS)).context["token"]})
    count = Area.objects.count()
    again = [
        ["", "明湖街道", "西城社区", "西城花园", "３ 号楼", 48],
        ["", "明 湖街道", "西城社区", "锦绣家园", "１号楼", 36],
    ]
    response = upload(client, xlsx(again))
    assert response.context["plan"].ok
    assert response.context["plan"].new_nodes == 0
    client.post(COMMIT, {"token": response.context["token"]})
    assert Area.objects.count() == count
    twice = upload(client, xlsx([*again, ["", "", "西城社区", "西城花园", "3号楼", 48]]))
    assert problems(twice) == [(4, "楼栋", "与第2行重复")]


def test_a_zero_width_space_pasted_into_a_name_is_the_same_place(world: World) -> None:
    client = world.client("hq")
    client.post(COMMIT, {"token": upload(client, xlsx(ROWS)).context["token"]})
    count = Area.objects.count()
    response = upload(client, xlsx([["", "", "西城社区", "西城花园\u200b", "\ufeff3号楼", 48]]))
    assert response.context["plan"].ok
    assert response.context["plan"].new_nodes == 0
    client.post(COMMIT, {"token": response.context["token"]})
    assert Area.objects.count() == count


def test_a_row_with_its_first_level_blank_says_a_level_is_skipped(world: World) -> None:
    rows = [["", "", "", "锦绣家园", "1号楼", 36], ["", "", "", "", "2号楼", ""]]
    response = upload(world.client("hq"), xlsx(rows))
    assert response.status_code == 400
    assert problems(response) == [
        (2, "社区/村", "上一级为空时不能填写下一级"),
        (3, "社区/村", "上一级为空时不能填写下一级"),
    ]


def _merged_sheet(rows: list[list], merges: list[str]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("辖区.xlsx", buffer.getvalue())


def test_rows_under_a_merged_cell_take_its_value(world: World) -> None:
    # A community merged down over its compounds' rows, a compound over its buildings':
    # only the merge's first row holds the name, the rows below take it.
    rows = [
        ["", "", "丰庆社区", "丰庆小区", "1号楼", 10],
        ["", "", None, None, "2号楼", 12],
        ["", "", None, "丰庆新苑", "1号楼", 8],
    ]
    client = world.client("hq")
    response = upload(client, _merged_sheet(rows, ["C2:C4", "D2:D3"]))
    assert response.status_code == 200, problems(response)
    client.post(COMMIT, {"token": response.context["token"]})
    community = Area.objects.get(name="丰庆社区")
    compounds = {a.name: a for a in Area.objects.filter(parent=community)}
    assert set(compounds) == {"丰庆小区", "丰庆新苑"}
    assert sorted(
        Area.objects.filter(parent=compounds["丰庆小区"]).values_list("name", flat=True)
    ) == ["1号楼", "2号楼"]
    assert Area.objects.get(parent=compounds["丰庆新苑"]).expected_households == 8


def test_a_blank_level_below_a_filled_row_says_to_fill_each_row(world: World) -> None:
    rows = [["", "", "丰庆社区", "丰庆小区", "1号楼", ""], ["", "", None, "丰庆小区", "2号楼", ""]]
    response = upload(world.client("hq"), _merged_sheet(rows, []))
    assert response.status_code == 400
    hint = "上一级为空时不能填写下一级（与上一行相同的名称也须在每一行填写，或合并单元格）"
    assert problems(response) == [(3, "社区/村", hint)]


@pytest.mark.parametrize("name", ["+1号楼", "-1号楼", "@楼"])
def test_a_name_a_spreadsheet_would_run_is_refused_as_on_the_page(world: World, name) -> None:
    rows = [["", "", "西城社区", "新华小区", name, ""]]
    response = upload(world.client("hq"), xlsx(rows))
    assert response.status_code == 400
    assert problems(response) == [(2, "楼栋", NAME_START_MESSAGE)]
    assert not Area.objects.filter(name="新华小区").exists()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (datetime(2020, 1, 1), NOT_TEXT_MESSAGES["date"]),
        (date(2020, 3, 1), NOT_TEXT_MESSAGES["date"]),
        (True, NOT_TEXT_MESSAGES["bool"]),
        (3.5, NOT_TEXT_MESSAGES["number"]),
    ],
)
def test_a_name_cell_that_is_not_text_is_a_row_problem(world: World, cell, message) -> None:
    rows = [["", "", "西城社区", "新华小区", cell, ""]]
    response = upload(world.client("hq"), xlsx(rows))
    assert response.status_code == 400
    assert problems(response) == [(2, "楼栋", message)]
    assert not Area.objects.filter(name="新华小区").exists()


def test_a_building_numbered_as_a_whole_number_is_its_name(world: World) -> None:
    client = world.client("hq")
    response = upload(client, xlsx([["", "", "西城社区", "新华小区", 3, 24]]))
    assert response.status_code == 200
    client.post(COMMIT, {"token": response.context["token"]})
    assert Area.objects.get(parent__name="新华小区").name == "3"
