"""Opening stock from Excel: template → preview → commit, or nothing at all."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouwang.areas.tests.factories import child
from shouwang.core import uploads
from shouwang.core.tests.sheets import messy_workbook
from shouwang.core.xlsx import workbook_bytes
from shouwang.supplies import importing
from shouwang.supplies.importing import HEADERS
from shouwang.supplies.models import Balance, Item, Location, Movement

from .factories import item, location

pytestmark = pytest.mark.django_db


def upload(content: bytes, name: str = "期初.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def sheet(rows, headers=HEADERS) -> bytes:
    return workbook_bytes(headers, rows)


def formula_sheet() -> bytes:
    """A real formula cell (workbook_bytes would neutralise it)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append(["明湖街道仓库", "医用口罩", "=1+1", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def places(world):
    item()  # make sure the catalog is there
    return location(world.subdistrict, "明湖街道仓库"), location(world.community_a, "西城社区库房")


def test_template_preview_and_commit(world, places) -> None:
    warehouse, store = places
    client = world.client("hq")
    template = client.get(reverse("supplies:import_template"))
    assert template.status_code == 200
    preview = client.post(reverse("supplies:import"), {"file": upload(template.content)})
    assert preview.status_code == 200
    assert "检查通过：共 2 行" in preview.content.decode()
    assert not Movement.objects.exists()  # preview writes nothing
    token = preview.context["token"]
    response = client.post(reverse("supplies:import_commit"), {"token": token})
    assert response.status_code == 302
    assert Balance.objects.get(location=warehouse, item=item()).quantity == 40 * 2000
    assert Balance.objects.get(location=store, item=item("84消毒液")).quantity == 120
    assert set(Movement.objects.values_list("kind", flat=True)) == {"opening"}
    # The token is spent: committing again imports nothing more, and says it may have
    # been imported already (a second click), not only that the file is gone.
    again = client.post(reverse("supplies:import_commit"), {"token": token}, follow=True)
    assert "这份文件已导入过或已失效" in again.content.decode()
    assert Movement.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "空文件"),
        (b"name,qty\nmasks,3\n", "这不是Excel文件"),
        (sheet([["仓库", "口罩", 1]], headers=["地点", "物品", "数量"]), "表头不正确"),
        (sheet([["不存在的库房", "医用口罩", 10, "", ""]]), "没有名为“不存在的库房”的存放点"),
        (sheet([["明湖街道仓库", "金条", 10, "", ""]]), "物资目录中没有“金条”"),
        (sheet([["明湖街道仓库", "医用口罩", -5, "", ""]]), "应为正整数"),
        (sheet([["明湖街道仓库", "医用口罩", "十", "", ""]]), "应为正整数"),
        (sheet([["明湖街道仓库", "帐篷", 3, "箱", ""]]), "帐篷没有“箱”这种包装"),
        (sheet([["明湖街道仓库", "医用口罩", "9" * 5000, "", ""]]), "数量过大"),
        (sheet([["明湖街道仓库", "医用口罩", "9" * 4299, "箱", ""]]), "数量过大"),
        (sheet([["明湖街道仓库", "医用口罩", "000", "", ""]]), "应为正整数"),
        (formula_sheet(), "公式"),
        (
            sheet(
                [["明湖街道仓库", "医用口罩", 1, "", ""], ["明湖街道仓库", "医用口罩", 2, "", ""]]
            ),
            "与第2行重复",
        ),
    ],
)
def test_bad_files_are_explained_and_nothing_is_written(world, places, content, message) -> None:
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload(content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Movement.objects.exists()
    assert not Balance.objects.exists()


def test_a_file_with_one_bad_row_imports_no_row(world, places, settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    content = sheet([["明湖街道仓库", "医用口罩", 10, "", ""], ["明湖街道仓库", "金条", 1, "", ""]])
    client = world.client("hq")
    preview = client.post(reverse("supplies:import"), {"file": upload(content)})
    assert preview.status_code == 400
    assert "确认导入" not in preview.content.decode()
    assert "token" not in preview.context
    assert not list(uploads.upload_dir().iterdir())  # a refused file is not kept
    assert not Movement.objects.exists()


def test_the_same_file_imported_again_does_not_double_the_stock(world, places) -> None:
    warehouse, _ = places
    content = sheet([["明湖街道仓库", "医用口罩", 40, "", ""]])
    client = world.client("hq")
    token = client.post(reverse("supplies:import"), {"file": upload(content)}).context["token"]
    client.post(reverse("supplies:import_commit"), {"token": token})
    again = client.post(reverse("supplies:import"), {"file": upload(content)})
    assert again.status_code == 400
    [problem] = again.context["plan"].problems
    assert (problem.row, problem.column) == (2, "物资")
    assert "已导入过期初库存" in problem.message
    assert Balance.objects.get(location=warehouse, item=item()).quantity == 40


def test_locations_outside_the_users_area_are_not_found(world, places) -> None:
    location(world.community_b, "八一社区库房")
    content = sheet([["八一社区库房", "医用口罩", 10, "", ""]])
    world.client("hq")  # HQ could; community staff may not import at all
    assert (
        world.client("staff_a")
        .post(reverse("supplies:import"), {"file": upload(content)})
        .status_code
        == 403
    )


def test_a_zip_that_is_not_a_workbook_is_refused(world, places) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是表格")
    response = world.client("hq").post(
        reverse("supplies:import"), {"file": upload(buffer.getvalue())}
    )
    assert response.status_code == 400
    assert "这不是Excel文件" in response.content.decode()


@pytest.mark.parametrize("amount", [10**20, "100000000000000000000", "²"])
def test_a_quantity_out_of_range_is_a_problem_of_its_row(world, places, amount) -> None:
    rows = [["明湖街道仓库", "医用口罩", amount, "", ""]]
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload(sheet(rows))})
    assert response.status_code == 400
    problems = response.context["plan"].problems
    assert [(p.row, p.column) for p in problems] == [(2, "数量")]
    assert not Movement.objects.exists()


def test_a_quantity_too_large_in_base_units_is_refused(world, places) -> None:
    rows = [["明湖街道仓库", "医用口罩", 1_000_000, "箱", ""]]
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload(sheet(rows))})
    assert response.status_code == 400
    (problem,) = response.context["plan"].problems
    assert (problem.row, problem.column) == (2, "数量")
    assert "过大" in problem.message


def test_the_data_sheet_is_found_past_instructions_a_hidden_sheet_and_a_title_row(
    world, places
) -> None:
    rows = [["明湖街道仓库", "医用口罩", 40, "箱", ""], [], ["西城社区库房", "金条", 1, "", ""]]
    content = messy_workbook(HEADERS, rows, title="期初库存")
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload(content)})
    plan = response.context["plan"]
    assert [(p.row, p.column) for p in plan.problems] == [(5, "物资")]
    assert [r.number for r in plan.rows] == [3]


def test_a_deactivated_item_or_location_is_named_as_such(world, places) -> None:
    Item.objects.filter(name="帐篷").update(active=False)
    Location.objects.filter(name="西城社区库房").update(active=False)
    rows = [["明湖街道仓库", "帐篷", 2, "", ""], ["西城社区库房", "医用口罩", 5, "", ""]]
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload(sheet(rows))})
    assert response.status_code == 400
    page = response.content.decode()
    assert "物资“帐篷”已停用" in page
    assert "存放点“西城社区库房”已停用" in page
    assert not Movement.objects.exists()


def test_a_name_two_visible_locations_share_is_a_problem_not_a_guess(world, places) -> None:
    location(world.compound_a, "东门", kind="checkpoint")
    location(world.compound_b, "东门", kind="checkpoint")
    rows = [["东门", "医用口罩", 10, "", ""]]
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload(sheet(rows))})
    assert response.status_code == 400
    (problem,) = response.context["plan"].problems
    assert (problem.row, problem.column) == (2, "存放点")
    assert "有2个存放点名为“东门”（西城花园、八一新苑）" in problem.message
    assert "“西城花园/东门”" in problem.message
    assert "确认导入" not in response.content.decode()
    assert not Movement.objects.exists()


def test_the_area_before_a_slash_tells_same_named_locations_apart(world, places) -> None:
    west = location(world.compound_a, "东门", kind="checkpoint")
    location(world.compound_b, "东门", kind="checkpoint")
    rows = [["西城花园/东门", "医用口罩", 10, "", ""], ["西城花园／东门", "84消毒液", 3, "", ""]]
    client = world.client("hq")
    preview = client.post(reverse("supplies:import"), {"file": upload(sheet(rows))})
    assert preview.status_code == 200, preview.context["plan"].problems
    assert "西城花园 · 东门" in preview.content.decode()
    client.post(reverse("supplies:import_commit"), {"token": preview.context["token"]})
    assert set(Balance.objects.values_list("location", "quantity")) == {(west.pk, 10), (west.pk, 3)}


def test_same_named_areas_with_same_named_locations_ask_for_a_rename(world, places) -> None:
    location(world.compound_a, "东门", kind="checkpoint")
    location(child(world.community_b, "西城花园"), "东门", kind="checkpoint")
    rows = [["西城花园/东门", "医用口罩", 10, "", ""]]
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload(sheet(rows))})
    assert response.status_code == 400
    (problem,) = response.context["plan"].problems
    assert "有2个辖区名为“西城花园”" in problem.message
    assert "请先把存放点改为不同的名称" in problem.message


def test_an_area_that_holds_no_such_location_is_named(world, places) -> None:
    location(world.compound_a, "东门", kind="checkpoint")
    rows = [["八一新苑/东门", "医用口罩", 10, "", ""]]
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload(sheet(rows))})
    assert response.status_code == 400
    (problem,) = response.context["plan"].problems
    assert "“八一新苑”没有名为“东门”的存放点" in problem.message
    assert not Movement.objects.exists()


def test_two_commits_of_one_preview_at_once_open_the_balance_once(world, places) -> None:
    """Both planned before either committed (two tabs, two staff): the second finds the
    opening under the locations' lock and writes nothing."""
    warehouse, _ = places
    content = sheet([["明湖街道仓库", "医用口罩", 40, "", ""]])
    visible = Location.objects.visible_to(world.hq)
    first = importing.plan(upload(content), locations=visible)
    second = importing.plan(upload(content), locations=visible)
    importing.commit(first, by=world.hq)
    with pytest.raises(ValidationError, match="预览之后已有期初库存导入了其中的物资"):
        importing.commit(second, by=world.hq)
    assert Balance.objects.get(location=warehouse, item=item()).quantity == 40
    assert Movement.objects.count() == 1


def test_it_asks_for_an_empty_location_or_item_cell(world, places) -> None:
    content = sheet([["", "医用口罩", 5, "", ""], ["西城社区库房", "", 5, "", ""]])
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload(content)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写存放点名称" in page
    assert "请填写物资名称" in page
    assert "没有名为“”" not in page
    assert "没有“”" not in page
    assert not Movement.objects.exists()


def test_a_location_merged_down_over_its_rows_names_each_row(world, places) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    data = workbook.active
    data.append(HEADERS)
    data.append(["明湖街道仓库", "医用口罩", 100, "", ""])
    data.append([None, "84消毒液", 20, "", ""])
    data.append([None, "防护服", 5, "", ""])
    data.merge_cells("A2:A4")
    buffer = io.BytesIO()
    workbook.save(buffer)
    warehouse, _ = places
    client = world.client("hq")
    preview = client.post(reverse("supplies:import"), {"file": upload(buffer.getvalue())})
    assert preview.status_code == 200, preview.context["plan"].problems
    client.post(reverse("supplies:import_commit"), {"token": preview.context["token"]})
    held = dict(Balance.objects.filter(location=warehouse).values_list("item__name", "quantity"))
    assert held == {"医用口罩": 100, "84消毒液": 20, "防护服": 5}


@pytest.mark.parametrize(
    ("amount", "unit", "units"),
    [("100盒", "", 5000), ("100 盒", "盒", 5000), ("2,000个", "", 2000), ("1，500", "", 1500)],
)
def test_a_unit_typed_in_the_quantity_cell_is_read(world, places, amount, unit, units) -> None:
    warehouse, _ = places
    rows = [["明湖街道仓库", "医用口罩", amount, unit, ""]]
    client = world.client("hq")
    preview = client.post(reverse("supplies:import"), {"file": upload(sheet(rows))})
    assert preview.status_code == 200, preview.context["plan"].problems
    client.post(reverse("supplies:import_commit"), {"token": preview.context["token"]})
    assert Balance.objects.get(location=warehouse, item=item()).quantity == units


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        ("100盒", "箱", "数量写的是“盒”，单位列写的是“箱”"),
        ("100桶", "", "医用口罩没有“桶”这种包装"),
        ("约100", "", "应为正整数"),
    ],
)
def test_a_unit_in_the_quantity_cell_that_does_not_fit_is_explained(
    world, places, amount, unit, message
) -> None:
    rows = [["明湖街道仓库", "医用口罩", amount, unit, ""]]
    response = world.client("hq").post(reverse("supplies:import"), {"file": upload(sheet(rows))})
    assert response.status_code == 400
    (problem,) = response.context["plan"].problems
    assert message in problem.message
    assert not Movement.objects.exists()
