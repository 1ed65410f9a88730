"""Writing tables: XLSX with openpyxl's write-only mode (rows stream to disk, memory stays flat) and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

# openpyxl is imported where a workbook is written (the task worker), not by every app worker that loads the URLs
_SHEET_TITLE_MAX = 31
_BAD_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _sheet_title(title: str) -> str:
    return str(title).translate(_BAD_SHEET_CHARS)[:_SHEET_TITLE_MAX] or "Sheet"


def _header(ws, columns: list[str]) -> list:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    cells = []
    for title in columns:
        cell = WriteOnlyCell(ws, value=str(title))
        cell.font = bold
        cells.append(cell)
    return cells


def xlsx_write(target, sheets: Iterable[tuple[str, list[str], Iterable[list]]], *,
               progress: Callable[[int], None] | None = None, every: int = 2000) -> int:
    """Write each (title, columns, rows) as a sheet (header row in bold) to `target` (a path or binary file).

    Rows are consumed one at a time and never kept; `progress(n)` is called every `every` rows. Returns the count.
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    done = 0
    for title, columns, rows in sheets:
        ws = wb.create_sheet(_sheet_title(title))
        ws.append(_header(ws, columns))
        for row in rows:
            ws.append(row)
            done += 1
            if progress is not None and done % every == 0:
                progress(done)
    if not wb.worksheets:
        wb.create_sheet("Sheet")
    wb.save(target)
    return done


def xlsx_bytes(title: str, columns: list[str], rows: Iterable[list]) -> bytes:
    buffer = io.BytesIO()
    xlsx_write(buffer, [(title, columns, rows)])
    return buffer.getvalue()


def csv_text(columns: list[str], rows: Iterable[list]) -> str:
    """CSV with a BOM so that Excel opens the Chinese text as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(c) for c in columns])
    writer.writerows(rows)
    return buffer.getvalue()
