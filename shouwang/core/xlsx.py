"""Safe spreadsheet input and output, shared by every import and export.

Reading: size-limited uploads, a zip check before openpyxl touches the file (no zip
bombs, no non-xlsx files renamed .xlsx), read-only streaming, values only (formulas
are never evaluated; a formula cell is reported, not trusted). openpyxl parses XML
through defusedxml when it is installed, which it is.

Writing: every text cell that begins with = + - @ (or a tab/CR) is neutralised with a
leading apostrophe so a spreadsheet program never runs it as a formula.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from .text import half_width

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UNCOMPRESSED_RATIO = 100
MAX_UNCOMPRESSED_BYTES = 600 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_CHARS = "".join(FORMULA_PREFIXES)
CORRUPT_MESSAGE = "Excel文件已损坏或格式不受支持，无法读取"
# Title rows a header may sit below ("XX社区人员台账（2020年1月）"), plus the header.
HEADER_SEARCH_ROWS = 5
_HEADER_NOISE = re.compile(r"[\s*]|\(必填\)")


class SpreadsheetError(ValueError):
    """A file that cannot be read as a spreadsheet; the message is for the user."""


class HeaderNotFound(SpreadsheetError):
    """The sheet is empty or has no header row where one is looked for."""


def check_upload(upload: IO[bytes], *, max_bytes: int | None = None) -> None:
    """Refuse oversized, non-xlsx and zip-bomb files before parsing them."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise SpreadsheetError("文件是空的，请选择填好的Excel文件（.xlsx）")
    if size > max_bytes:
        raise SpreadsheetError(f"文件过大（上限 {max_bytes // (1024 * 1024)} MB），请分批导入")
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise SpreadsheetError("这不是Excel文件（.xlsx），请用Excel另存为.xlsx格式后再上传")
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError(
            "这不是Excel文件（.xlsx），请用Excel另存为.xlsx格式后再上传（.xls旧格式也需另存）"
        ) from exc
    finally:
        upload.seek(0)
    if total > MAX_UNCOMPRESSED_BYTES or total > max(size, 1) * MAX_UNCOMPRESSED_RATIO:
        raise SpreadsheetError("文件解压后异常庞大，疑似恶意文件，已拒绝")


def iter_rows(
    upload: IO[bytes],
    *,
    max_bytes: int | None = None,
    header: Callable[[tuple[Any, ...]], bool] | None = None,
    fill_merged: bool = False,
) -> Iterator[tuple[Any, ...]]:
    """Yield one sheet's rows as tuples of cell values (streaming), from its first row.

    The sheet is the first visible one (a hidden sheet holds a template's drop-down
    lists, not data) or, given ``header``, the first visible one with a row ``header``
    accepts among its first ``HEADER_SEARCH_ROWS`` rows: the data may follow a sheet of
    instructions. ``fill_merged``: every cell of a merged range below the header reads
    as the range's first cell (a community's name merged down over its compounds' rows,
    a household's address over its members')."""
    from openpyxl import load_workbook

    check_upload(upload, max_bytes=max_bytes)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on corrupt files
        raise SpreadsheetError(CORRUPT_MESSAGE) from exc
    try:
        visible = [s for s in workbook.worksheets if s.sheet_state == "visible"]
        sheets = visible or workbook.worksheets
        if not sheets:
            raise SpreadsheetError("Excel文件中没有工作表")
        sheet = sheets[0]
        if header is not None and len(sheets) > 1:
            sheet = next((s for s in sheets if _has_header(s, header)), sheet)
        rows = _stream(sheet.iter_rows(values_only=True))
        if fill_merged:
            rows = _filled(rows, _merged_ranges(sheet), header=header)
        yield from rows
    finally:
        workbook.close()


# A merged range: first row, first column, last row, last column (1-based).
_Range = tuple[int, int, int, int]


def _merged_ranges(sheet: Any) -> list[_Range]:
    """The sheet's merged ranges, read from its XML (a read-only sheet does not load
    them): one more streaming pass, rows dropped as they are parsed."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    merge = f"{{{SHEET_MAIN_NS}}}mergeCell"
    row = f"{{{SHEET_MAIN_NS}}}row"
    ranges = []
    try:
        with sheet._get_source() as source:
            for _, element in iterparse(source):
                if element.tag == merge and element.get("ref"):
                    first_col, first_row, last_col, last_row = range_boundaries(element.get("ref"))
                    ranges.append((first_row, first_col, last_row, last_col))
                elif element.tag == row:
                    element.clear()
    except Exception as exc:
        raise SpreadsheetError(CORRUPT_MESSAGE) from exc
    return ranges


def _filled(
    rows: Iterator[tuple[Any, ...]],
    ranges: list[_Range],
    *,
    header: Callable[[tuple[Any, ...]], bool] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """``rows`` with each merged range's other cells set to its first cell's value.
    Given ``header``, the rows down to the header (a title merged across, a group name
    over two header rows) are read as written: only ranges starting below it are
    filled."""
    header_row = 0
    if header is not None:
        rows = iter(rows)
        for number, row in enumerate(rows, start=1):
            yield row
            if header(row) or number >= HEADER_SEARCH_ROWS:
                header_row = number
                break
    starting: dict[int, list[_Range]] = {}
    for merged in ranges:
        if merged[0] > header_row and (merged[2] > merged[0] or merged[3] > merged[1]):
            starting.setdefault(merged[0], []).append(merged)
    open_ranges: list[tuple[_Range, Any]] = []
    for number, row in enumerate(rows, start=header_row + 1):
        open_ranges = [(r, v) for r, v in open_ranges if r[2] >= number]
        cells = list(row)
        for merged in starting.pop(number, []):
            first = merged[1] - 1
            open_ranges.append((merged, cells[first] if first < len(cells) else None))
        for (_, first_col, _, last_col), value in open_ranges:
            if len(cells) < last_col:
                cells += [None] * (last_col - len(cells))
            cells[first_col - 1 : last_col] = [value] * (last_col - first_col + 1)
        yield tuple(cells)


def _stream(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    while True:
        # The sheet's XML is parsed as it streams: a broken one fails here, mid-file.
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise SpreadsheetError(CORRUPT_MESSAGE) from exc
        yield row


def _has_header(sheet: Any, header: Callable[[tuple[Any, ...]], bool]) -> bool:
    rows = sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
    return any(header(row) for row in _stream(rows))


def header_text(value: Any) -> str:
    """A header cell as people write it, reduced to the column name: spaces, full-width
    forms, asterisks and （必填） do not count ("证件号码（必填）" is "证件号码")."""
    return _HEADER_NOISE.sub("", half_width(cell_text(value)))


def matches_header(row: Sequence[Any], expected: Sequence[str]) -> bool:
    """Whether the row's leading cells name the ``expected`` columns."""
    return [header_text(v) for v in row[: len(expected)]] == list(expected)


def find_header(
    rows: Iterator[tuple[Any, ...]], expected: Sequence[str], *, named: Sequence[str] = ()
) -> int:
    """Read ``rows`` up to the header row — ``expected`` as its leading cells, below at
    most a few title rows — and return its number. HeaderNotFound (a message for the
    user) when the sheet is empty or has no such row; ``named``: the columns the message
    lists, if more than ``expected``."""
    seen = False
    for number, row in enumerate(rows, start=1):
        if matches_header(row, expected):
            return number
        seen = seen or any(cell_text(v) for v in row)
        if number >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise HeaderNotFound("表格是空的")
    raise HeaderNotFound(f"表头不正确，应为：{'、'.join(named or expected)}（请下载模板填写）")


def header_columns(row: Sequence[Any], names: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Where each column is in a header row, in any order: ``names`` maps a column to
    the header texts that mean it (the template's first, then what people also write,
    e.g. "身份证号码" for "身份证号")."""
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        text = header_text(value)
        for column, texts in names.items():
            if column not in found and text in texts:
                found[column] = index
    return found


def find_columns(
    rows: Iterator[tuple[Any, ...]],
    names: Mapping[str, Sequence[str]],
    *,
    required: Sequence[str],
) -> tuple[int, dict[str, int]]:
    """As ``find_header``, for a header naming the ``required`` columns in any order
    and with any of their ``names``: its row number and where each column is."""
    seen = False
    for number, row in enumerate(rows, start=1):
        columns = header_columns(row, names)
        if all(column in columns for column in required):
            return number, columns
        seen = seen or any(cell_text(v) for v in row)
        if number >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise HeaderNotFound("表格是空的")
    raise HeaderNotFound(f"表头不正确，应包含：{'、'.join(required)}（请下载模板填写）")


def cell_text(value: Any) -> str:
    """A cell as stripped text; numbers without a spurious '.0'; a formula openpyxl
    reads as an object (``is_formula``) as its text, never the object's repr."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if _formula_object(value):
        return (getattr(value, "text", None) or "=").strip()
    return str(value).strip()


# Why a cell meant to hold a name is not text (``not_text``).
NOT_TEXT_MESSAGES = {
    "date": "单元格是日期或时间，请填写文字（可先把该列设为“文本”格式）",
    "bool": "单元格是逻辑值（TRUE/FALSE），请填写文字",
    "number": "单元格是带小数的数字，请填写文字",
    "whole": "单元格是数字，请填写文字",
}
# What every import says of a formula cell, whichever the column.
FORMULA_MESSAGE = "单元格是公式，请直接填写内容（不导入公式）"


def not_text(value: Any, *, whole_numbers: bool = True) -> str:
    """Why a cell meant to hold a name (of a place, a person, an address) is not text,
    from ``NOT_TEXT_MESSAGES``; "" for text, a blank and, unless ``whole_numbers`` is
    false (a person's name), a whole number (a building numbered 3, room 301). Excel
    keeps a date typed as "3-1" as the date only, and a name read from it, a decimal
    or TRUE would be made up."""
    if isinstance(value, bool):
        return NOT_TEXT_MESSAGES["bool"]
    if isinstance(value, date | time | timedelta):
        return NOT_TEXT_MESSAGES["date"]
    if isinstance(value, float | Decimal) and not _whole(value):
        return NOT_TEXT_MESSAGES["number"]
    if not whole_numbers and isinstance(value, int | float | Decimal):
        return NOT_TEXT_MESSAGES["whole"]
    return ""


def _whole(value: float | Decimal) -> bool:
    if isinstance(value, float):
        return value.is_integer()
    return value.is_finite() and value == value.to_integral_value()


def is_formula(value: Any) -> bool:
    """Whether a cell (read with ``data_only=False``) holds a formula: text from "="
    (spaces before it do not count), or one of the objects openpyxl reads array
    formulas (Excel 365 saves any formula whose result spills as one) and data tables
    into."""
    if isinstance(value, str):
        return value.lstrip().startswith("=")
    return _formula_object(value)


def _formula_object(value: Any) -> bool:
    if value is None or isinstance(value, int | float | Decimal | date | time | timedelta):
        return False
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    return isinstance(value, ArrayFormula | DataTableFormula)


def formula_problem(value: Any) -> str:
    """``FORMULA_MESSAGE`` for a formula cell (``is_formula``), "" for any other:
    a formula is reported, never evaluated nor imported as its text."""
    return FORMULA_MESSAGE if is_formula(value) else ""


def unneutralised(value: Any) -> Any:
    """A cell as it was before the writer neutralised it: text our exports wrote
    with an apostrophe before a formula's first character ("'-行动不便") without it."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] and value[1] in FORMULA_CHARS:
        return value[1:]
    return value


# Writing ------------------------------------------------------------------------------
#
# A sheet is written as SpreadsheetML text straight into the zip, the same parts and
# cell markup openpyxl's write-only mode produces (inline strings, dates as serials with
# a date format), without its per-cell objects: openpyxl spent ~25 µs a cell, which made
# it the larger half of a ledger export.

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
OFFICE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    XML_DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE_TYPE}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{OFFICE_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE_TYPE}.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    XML_DECLARATION + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    XML_DECLARATION + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Cell styles: 0 plain, 1 bold (the header), 2 date, 3 date and time.
BOLD, DATE, DATETIME = 1, 2, 3
STYLES = (
    XML_DECLARATION + f'<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
# Characters XML 1.0 cannot carry (dropped) and those that need escaping.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 - a calendar origin
_INVALID_TITLE = re.compile(r"[\\/*?:\[\]]")
FLUSH_ROWS = 1000


def _xml_text(value: str) -> str:
    if _SPECIAL.search(value):
        value = _NOT_XML.sub("", value)
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        value = value.replace("\r", "&#13;")
    return value


def _serial(value: date) -> int | float:
    """Excel's day number (1900 system, as openpyxl writes it); datetimes local."""
    if not isinstance(value, datetime):
        days = (value - EXCEL_EPOCH.date()).days
        return days - 1 if 0 < days <= 60 else days  # Excel's 29 February 1900
    if timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    delta = value - EXCEL_EPOCH
    days = delta.days - 1 if 0 < delta.days <= 60 else delta.days
    return days + (delta.seconds + delta.microseconds / 1_000_000) / 86_400


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cells(values: Sequence[Any], number: int, columns: list[str], style: int = 0) -> str:
    """One ``<row>``: inline strings (neutralised), numbers, booleans, dates; None and
    "" left empty."""
    parts = [f'<row r="{number}">']
    append = parts.append
    styled = f' s="{style}"' if style else ""
    while len(columns) < len(values):
        columns.append(_column_letter(len(columns)))
    for column, value in zip(columns, values, strict=False):
        if value is None or value == "":
            continue
        if isinstance(value, str):
            if value.startswith(FORMULA_PREFIXES):
                value = "'" + value
            space = ' xml:space="preserve"' if value != value.strip() else ""
            append(
                f'<c r="{column}{number}"{styled} t="inlineStr">'
                f"<is><t{space}>{_xml_text(value)}</t></is></c>"
            )
        elif isinstance(value, bool):
            append(f'<c r="{column}{number}"{styled} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float | Decimal) and math.isfinite(value):
            append(f'<c r="{column}{number}"{styled}><v>{value}</v></c>')
        elif isinstance(value, date):
            style_id = DATETIME if isinstance(value, datetime) else DATE
            append(f'<c r="{column}{number}" s="{style_id}"><v>{_serial(value)}</v></c>')
        else:
            append(
                f'<c r="{column}{number}"{styled} t="inlineStr">'
                f"<is><t>{_xml_text(str(value))}</t></is></c>"
            )
    append("</row>")
    return "".join(parts)


# The header row stays in view while a long sheet (a hundred communities, a ledger) scrolls.
FROZEN_HEADER = (
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
)


def write_workbook(
    out: IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet1",
    widths: Sequence[int] | None = None,
) -> int:
    """Stream a one-sheet xlsx into ``out`` (a file or buffer): a bold header row, kept
    in view while scrolling, then
    ``rows``; a text cell that begins with = + - @ (or a tab/CR) gets a leading
    apostrophe, characters XML cannot hold are dropped. Memory stays flat whatever the
    number of rows. Returns that number."""
    name = _xml_text(_INVALID_TITLE.sub("_", title)[:31] or "Sheet1").replace('"', "&quot;")
    columns = [_column_letter(i) for i in range(len(headers))]
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr(
            "xl/workbook.xml",
            XML_DECLARATION + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f'<bookViews><workbookView/></bookViews><sheets><sheet name="{name}" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            cols = [
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                for i, w in enumerate(widths or [16] * len(headers), start=1)
            ]
            head = [XML_DECLARATION, f'<worksheet xmlns="{MAIN_NS}">', FROZEN_HEADER]
            if cols:
                head += ["<cols>", *cols, "</cols>"]
            head.append("<sheetData>")
            head.append(_cells(headers, 1, columns, style=BOLD))
            sheet.write("".join(head).encode())
            chunk: list[str] = []
            for count, row in enumerate(rows, start=1):
                chunk.append(_cells(row, count + 1, columns))
                if len(chunk) >= FLUSH_ROWS:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            chunk.append("</sheetData></worksheet>")
            sheet.write("".join(chunk).encode())
    return count


def workbook_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet1",
    widths: Sequence[int] | None = None,
) -> bytes:
    """An xlsx in memory (see ``write_workbook``)."""
    buffer = io.BytesIO()
    write_workbook(buffer, headers, rows, title=title, widths=widths)
    return buffer.getvalue()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
