"""Reading the bureau's contribution file row by row: CSV (UTF-8 with or without BOM, or GBK) or XLSX.

Nothing here holds the whole file: the encoding is found by decoding the file chunk by chunk, the CSV is read
through a text wrapper and openpyxl opens the workbook read-only. Each data row comes out either as a
`GoodRow` or as `RowError`s tied to its line number (the header is line 1), with a Chinese and English message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from zhicheng.accounts.validators import credit_code_error, normalise_id_number, resident_id_error
from zhicheng.core.errors import ApplicationError
from zhicheng.files.tables import CHUNK_BYTES, CSV_GB, CSV_UTF8, XLSX, file_format, file_lines  # noqa: F401  (re-exported)

ID, MONTH, CODE, UNIT = "id_number", "month", "credit_code", "unit_name"
FIELDS = (ID, MONTH, CODE, UNIT)
FIELD_ZH = {ID: "身份证号", MONTH: "缴费月份", CODE: "统一社会信用代码", UNIT: "单位名称"}
FIELD_EN = {ID: "ID number", MONTH: "month", CODE: "credit code", UNIT: "unit name"}
# Header names seen in bureau exports, compared without spaces and case
ALIASES = {
    ID: ("身份证号", "身份证号码", "公民身份号码", "证件号码", "个人身份证号", "社会保障号码", "idnumber", "id_number"),
    MONTH: ("缴费月份", "月份", "缴费年月", "费款所属期", "所属期", "所属年月", "month"),
    CODE: ("统一社会信用代码", "社会信用代码", "单位统一社会信用代码", "信用代码", "creditcode", "credit_code"),
    UNIT: ("单位名称", "缴费单位", "缴费单位名称", "参保单位", "参保单位名称", "unitname", "unit_name"),
}
EARLIEST_MONTH = dt.date(1990, 1, 1)
UNIT_NAME_MAX = 200
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTH_PATTERNS = (
    re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]\s*\d{1,2}\s*日?)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{4})(\d{2})"),
)


@dataclass(frozen=True)
class GoodRow:
    line: int
    id_number: str
    month: dt.date
    credit_code: str
    unit_name: str


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message_zh": self.message_zh, "message_en": self.message_en}


def _header_key(value) -> str:
    return re.sub(r"\s+", "", str(value or "")).replace("\ufeff", "").lower()


def column_positions(header: list) -> dict[str, int]:
    """Which column holds each field; a missing column refuses the whole file."""
    keys = [_header_key(cell) for cell in header]
    positions, missing = {}, []
    for field in FIELDS:
        found = next((i for i, key in enumerate(keys) if key in ALIASES[field]), None)
        if found is None:
            missing.append(field)
        else:
            positions[field] = found
    if missing:
        names_zh = "、".join(f"“{FIELD_ZH[f]}”" for f in missing)
        raise ApplicationError(
            "socsec_columns_missing", f"文件第 1 行（表头）缺少{names_zh}列，请使用社保局导出的原始表头",
            f"The header (line 1) lacks the column(s): {', '.join(FIELD_EN[f] for f in missing)}",
            details={"line": 1, "missing": missing},
        )
    return positions


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number cell: 202405.0, or an ID number typed as a number
    return str(value).strip()


def month_parse(value) -> dt.date | None:
    """The first day of the month written as 2024-05, 202405, 2024/5, 2024年5月, an Excel date or serial."""
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    text = _text(value)
    if re.fullmatch(r"\d{5}", text):  # an Excel serial day number that lost its date format
        day = _EXCEL_EPOCH + dt.timedelta(days=int(text))
        return dt.date(day.year, day.month, 1)
    for pattern in _MONTH_PATTERNS:
        match = pattern.fullmatch(text)
        if match and 1 <= int(match.group(2)) <= 12:
            return dt.date(int(match.group(1)), int(match.group(2)), 1)
    return None


def _month_error(line: int, raw, today: dt.date) -> tuple[dt.date | None, RowError | None]:
    text = _text(raw) if not isinstance(raw, dt.date) else raw.isoformat()
    if not text:
        return None, RowError(line, MONTH, "缺少缴费月份", "The month is missing")
    month = month_parse(raw)
    if month is None:
        return None, RowError(line, MONTH, f"缴费月份“{text}”无法识别，应写作 2024-05 或 202405",
                              f"Month '{text}' is not understood; write it as 2024-05 or 202405")
    if month < EARLIEST_MONTH:
        return None, RowError(line, MONTH, f"缴费月份 {month:%Y-%m} 早于 1990 年，请核对",
                              f"Month {month:%Y-%m} is before 1990")
    if month > today.replace(day=1):
        return None, RowError(line, MONTH, f"缴费月份 {month:%Y-%m} 晚于本月，请核对",
                              f"Month {month:%Y-%m} is in the future")
    return month, None


def row_check(line: int, cells: list, positions: dict[str, int], today: dt.date) -> GoodRow | list[RowError]:
    """One data row as a GoodRow, or every problem it has."""
    raw = {f: (cells[i] if i < len(cells) else None) for f, i in positions.items()}
    errors: list[RowError] = []
    id_number = normalise_id_number(_text(raw[ID]))
    if not id_number:
        errors.append(RowError(line, ID, "缺少身份证号", "The ID number is missing"))
    elif (problem := resident_id_error(id_number)) is not None:
        errors.append(RowError(line, ID, str(problem), f"ID number {id_number} is not a valid resident ID "
                               "(GB 11643: 18 characters, a real birth date and the right check character)"))
    month, month_error = _month_error(line, raw[MONTH], today)
    if month_error is not None:
        errors.append(month_error)
    code = _text(raw[CODE]).upper()
    if not code:
        errors.append(RowError(line, CODE, "缺少统一社会信用代码", "The credit code is missing"))
    elif (problem := credit_code_error(code)) is not None:
        errors.append(RowError(line, CODE, str(problem), f"Credit code {code} is not valid (GB 32100)"))
    unit = _text(raw[UNIT])
    if not unit:
        errors.append(RowError(line, UNIT, "缺少单位名称", "The unit name is missing"))
    elif len(unit) > UNIT_NAME_MAX:
        errors.append(RowError(line, UNIT, f"单位名称超过 {UNIT_NAME_MAX} 字", f"Unit name over {UNIT_NAME_MAX} chars"))
    if errors or month is None:  # no month without its error
        return errors
    return GoodRow(line, id_number, month, code, unit)


def rows_read(lines: Iterable[tuple[int, list]], today: dt.date) -> Iterator[GoodRow | list[RowError]]:
    """Check the header, then each non-empty data row; empty lines are skipped."""
    lines = iter(lines)
    header = next(((n, cells) for n, cells in lines if any(_text(c) for c in cells)), None)
    if header is None:
        raise ApplicationError("socsec_empty", "文件没有内容", "The file is empty")
    positions = column_positions(header[1])
    for line, cells in lines:
        if any(_text(c) for c in cells):
            yield row_check(line, cells, positions, today)
