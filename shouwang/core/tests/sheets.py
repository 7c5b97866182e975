"""Spreadsheet files for tests of every importer."""

from __future__ import annotations

import io
import zipfile


def broken_sheet(content: bytes) -> bytes:
    """The same workbook with its sheet's XML cut in half: it opens as a zip and an
    xlsx, and fails only while its rows are read."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    return out.getvalue()


def messy_workbook(header: list[str], rows: list[list], *, title: str = "辖区人员名单") -> bytes:
    """A workbook as communities pass them around: a sheet of instructions first, a
    hidden sheet of drop-down values (with the same header), then the data sheet with a
    merged title row (row 1) above a header written with spaces, full-width brackets and
    （必填） (row 2); data from row 3."""
    from openpyxl import Workbook

    workbook = Workbook()
    notes = workbook.active
    notes.title = "填表说明"
    notes.append(["请在“数据”表中填写，每人一行。"])
    options = workbook.create_sheet("选项")
    options.append(header)
    options.append(["（下拉选项）"])
    options.sheet_state = "hidden"
    data = workbook.create_sheet("数据")
    data.append([title])
    data.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    data.append(
        [f" {name[0]} {name[1:]}（必填）" if i == 0 else name for i, name in enumerate(header)]
    )
    for row in rows:
        data.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
