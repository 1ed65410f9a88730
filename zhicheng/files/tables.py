"""Reading a tabular upload line by line: CSV (UTF-8 with or without BOM, otherwise GB 18030 ⊇ GBK) or XLSX.

Used by every import that takes a spreadsheet (the bureau's contribution file, the office's similarity results);
streams, so a large file never sits in memory.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from zhicheng.core.errors import ApplicationError

CHUNK_BYTES = 64 * 1024
XLSX, CSV_UTF8, CSV_GB = "xlsx", "csv-utf-8", "csv-gb18030"


def file_format(binary: BinaryIO) -> str:
    """XLSX by its zip signature, else CSV in UTF-8 if every chunk decodes as such, else GBK (as GB 18030)."""
    binary.seek(0)
    head = binary.read(4)
    binary.seek(0)
    if head == b"PK\x03\x04":
        return XLSX
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := binary.read(CHUNK_BYTES):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        fmt = CSV_UTF8
    except UnicodeDecodeError:
        fmt = CSV_GB
    binary.seek(0)
    return fmt


def _csv_lines(binary: BinaryIO, encoding: str) -> Iterator[tuple[int, list]]:
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")
    try:
        reader = csv.reader(text)
        for cells in reader:
            yield reader.line_num, cells
    except (UnicodeDecodeError, csv.Error) as exc:  # bytes that are neither UTF-8 nor GB 18030, a NUL, a bad quote
        raise ApplicationError("table_unreadable", "文件内容无法识别（请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx）",
                               "The file cannot be read: save it as CSV in UTF-8 or GBK, or as .xlsx") from exc
    finally:
        with contextlib.suppress(ValueError):  # already closed with the binary file
            text.detach()  # the caller owns the binary file: closing the wrapper would close it


def _xlsx_lines(binary: BinaryIO) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except Exception as exc:  # a zip that is not a workbook: openpyxl raises several kinds
        raise ApplicationError("socsec_bad_xlsx", "无法读取该 Excel 文件，请另存为 .xlsx 或 CSV 后重新上传",
                               "The Excel file cannot be read; save it as .xlsx or CSV and upload again") from exc
    try:
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        workbook.close()


def file_lines(binary: BinaryIO, fmt: str) -> Iterator[tuple[int, list]]:
    """(line number, cells) for every line of the file, the header included."""
    if fmt == XLSX:
        return _xlsx_lines(binary)
    return _csv_lines(binary, "utf-8-sig" if fmt == CSV_UTF8 else "gb18030")
