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
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UNCOMPRESSED_RATIO = 100
MAX_UNCOMPRESSED_BYTES = 600 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """A file that cannot be read as a spreadsheet; the message is for the user."""


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


def iter_rows(upload: IO[bytes], *, max_bytes: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Yield the first sheet's rows as tuples of cell values (streaming)."""
    from openpyxl import load_workbook

    check_upload(upload, max_bytes=max_bytes)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on corrupt files
        raise SpreadsheetError("Excel文件已损坏或格式不受支持，无法读取") from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise SpreadsheetError("Excel文件中没有工作表")
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """A cell as stripped text; numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def workbook_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet1",
    widths: Sequence[int] | None = None,
) -> bytes:
    """Build an xlsx (write-only, streaming) with neutralised cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for i, width in enumerate(widths or [16] * len(headers)):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(sheet, value=h)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
