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
