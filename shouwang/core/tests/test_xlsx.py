"""The xlsx writer: what openpyxl (as Excel and WPS would) reads back from it."""

import io
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from shouwang.core.tests.sheets import broken_sheet
from shouwang.core.xlsx import SpreadsheetError, iter_rows, workbook_bytes, write_workbook


def read(content: bytes, *, read_only: bool = True):
    return load_workbook(io.BytesIO(content), read_only=read_only).worksheets[0]


def values(content: bytes) -> list[tuple]:
    return list(read(content).iter_rows(values_only=True))


def test_values_come_back_as_written():
    row = ["张三", 42, 3.25, Decimal("12.50"), True, False, None, "", date(1990, 1, 2)]
    row.append(datetime(2020, 1, 24, 8, 30, 15))
    [header, back] = values(workbook_bytes([f"列{i}" for i in range(len(row))], [row]))
    assert header == tuple(f"列{i}" for i in range(len(row)))
    expected = ("张三", 42, 3.25, 12.5, True, False, None, None)
    expected += (datetime(1990, 1, 2), datetime(2020, 1, 24, 8, 30, 15))
    assert back == expected


def test_text_is_escaped_and_kept_whole():
    texts = ["a & b <c> \"d\" 'e'", "  前后空格  ", "第一行\n第二行", "回车\r\n换行", "]]>"]
    [_, back] = values(workbook_bytes(["x"] * len(texts), [texts]))
    assert back == tuple(texts)


def test_characters_xml_cannot_hold_are_dropped():
    [_, back] = values(workbook_bytes(["x"], [["备\x00注\x07\x1b\ufffe"]]))
    assert back == ("备注",)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_text_is_neutralised(text):
    [_, back] = values(workbook_bytes(["x"], [[text]]))
    assert back[0] == "'" + text


def test_aware_datetimes_are_written_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    [_, back] = values(workbook_bytes(["t"], [[datetime(2020, 1, 24, 0, 30, tzinfo=UTC)]]))
    assert back == (datetime(2020, 1, 24, 8, 30),)


DAYS = [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(1940, 1, 1), date(2020, 1, 24)]


@pytest.mark.parametrize("day", DAYS)
def test_dates_match_excels_day_numbers(day):
    sheet = read(workbook_bytes(["d"], [[day]]), read_only=False)
    assert sheet["A2"].value == datetime(day.year, day.month, day.day)
    assert sheet["A2"].number_format == "yyyy-mm-dd"


def test_the_header_is_bold_and_columns_have_their_widths():
    content = workbook_bytes(["姓名", "证件号码"], [["张三", "x"]], widths=[10, 22])
    sheet = read(content, read_only=False)
    assert sheet["A1"].font.b
    assert not sheet["A2"].font.b
    assert sheet.column_dimensions["B"].width == 22


def test_the_header_row_stays_in_view_while_scrolling():
    sheet = read(workbook_bytes(["社区", "排查人员"], [["西城社区", 1]] * 3), read_only=False)
    assert sheet.freeze_panes == "A2"


def test_a_title_excel_would_refuse_is_made_safe():
    content = workbook_bytes(["x"], [], title='3/4 "日报" [汇总]: 西城社区与八一社区及其他社区')
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames == ['3_4 "日报" _汇总__ 西城社区与八一社区及其他社区'[:31]]


def test_rows_longer_than_the_header_keep_their_cells():
    [_, back] = values(workbook_bytes(["a"], [["1", "2", *["x"] * 30]]))
    assert back[:2] == ("1", "2")
    assert len(back) == 32


def test_it_streams_into_a_file_and_counts_the_rows(tmp_path):
    path = tmp_path / "out.xlsx"
    with open(path, "wb") as out:
        count = write_workbook(out, ["n"], ([i] for i in range(2500)))
    assert count == 2500
    assert zipfile.is_zipfile(path)
    back = values(path.read_bytes())
    assert len(back) == 2501
    assert back[-1] == (2499,)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_a_spreadsheet_program_opens_the_file(tmp_path):
    """LibreOffice Calc (as WPS or Excel would) opens the file and reads every cell."""
    row = ["张三", "=1+1", 42, 3.5, Decimal("12.30"), True, date(2020, 2, 1), "a&b<c>"]
    row.append(datetime(2020, 2, 1, 7, 30, tzinfo=UTC))
    source = tmp_path / "台账.xlsx"
    source.write_bytes(workbook_bytes([f"列{i}" for i in range(len(row))], [row], title="台账"))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    lines = (tmp_path / "台账.csv").read_text(encoding="utf-8").splitlines()
    assert lines == [
        ",".join(f"列{i}" for i in range(len(row))),
        "张三,'=1+1,42,3.5,12.3,TRUE,2020-02-01,a&b<c>,2020-02-01 15:30:00",
    ]


def test_a_sheet_that_breaks_while_read_is_a_spreadsheet_error():
    workbook = Workbook()  # openpyxl's own files are read lazily, sheet XML last
    for i in range(50):
        workbook.active.append([f"张{i}", f"{i}号楼"])
    content = io.BytesIO()
    workbook.save(content)
    broken = broken_sheet(content.getvalue())
    with pytest.raises(SpreadsheetError, match="损坏"):
        list(iter_rows(io.BytesIO(broken)))
