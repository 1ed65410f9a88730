"""Reading the bureau's file: encodings, header aliases, month spellings and each row's checks."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from zhicheng.accounts.tests.factories import make_credit_code, make_resident_id
from zhicheng.core.errors import ApplicationError
from zhicheng.socialsecurity.parsing import (
    CSV_GB,
    CSV_UTF8,
    XLSX,
    GoodRow,
    file_format,
    file_lines,
    month_parse,
    rows_read,
)

TODAY = dt.date(2024, 10, 15)
PERSON, CODE = make_resident_id("19800101", 7), make_credit_code(42)


def read(data: bytes):
    binary = io.BytesIO(data)
    return list(rows_read(file_lines(binary, file_format(binary)), TODAY))


class TestMonth:
    @pytest.mark.parametrize("raw", ["2024-05", "202405", "2024/5", "2024/05", "2024.5", "2024年5月", "2024-05-01",
                                     dt.date(2024, 5, 17), dt.datetime(2024, 5, 1, 0, 0), 202405, 202405.0, "45413"])
    def test_spellings_of_may_2024(self, raw):
        assert month_parse(raw) == dt.date(2024, 5, 1)

    @pytest.mark.parametrize("raw", ["2024-13", "24-05", "May 2024", "2024", "", None])
    def test_not_a_month(self, raw):
        assert month_parse(raw) is None


class TestRows:
    def test_current_month_is_accepted_and_next_month_refused(self):
        rows = read(f"身份证号,缴费月份,统一社会信用代码,单位名称\n{PERSON},2024-10,{CODE},甲\n"
                    f"{PERSON},2024-11,{CODE},甲\n".encode())
        assert isinstance(rows[0], GoodRow)
        assert rows[1][0].field == "month" and "晚于本月" in rows[1][0].message_zh

    def test_1990_01_is_accepted_and_1989_12_refused(self):
        rows = read(f"身份证号,缴费月份,统一社会信用代码,单位名称\n{PERSON},1990-01,{CODE},甲\n"
                    f"{PERSON},1989-12,{CODE},甲\n".encode())
        assert isinstance(rows[0], GoodRow)
        assert rows[1][0].message_en == "Month 1989-12 is before 1990"

    def test_lowercase_x_and_spaces_are_normalised(self):
        person = make_resident_id("19800102", 1)
        if not person.endswith("X"):
            person = next(p for p in (make_resident_id("19800102", n) for n in range(60)) if p.endswith("X"))
        rows = read(f"身份证号,缴费月份,统一社会信用代码,单位名称\n {person.lower()} , 2024-05 ,{CODE.lower()}, 甲 \n"
                    .encode())
        assert rows == [GoodRow(2, person, dt.date(2024, 5, 1), CODE, "甲")]

    def test_aliases_in_any_order_with_bom(self):
        data = f"参保单位名称,费款所属期,社会信用代码,公民身份号码\n甲,202405,{CODE},{PERSON}\n".encode("utf-8-sig")
        assert read(data) == [GoodRow(2, PERSON, dt.date(2024, 5, 1), CODE, "甲")]

    def test_header_without_a_column_refuses_the_file(self):
        with pytest.raises(ApplicationError) as exc:
            read(f"身份证号,缴费月份,单位名称\n{PERSON},2024-05,甲\n".encode())
        assert exc.value.code == "socsec_columns_missing"
        assert "统一社会信用代码" in exc.value.message_zh and exc.value.details["line"] == 1

    def test_empty_file_refused(self):
        with pytest.raises(ApplicationError):
            read(b"\n\n")


class TestFormat:
    def test_utf8_gbk_and_xlsx_are_told_apart(self):
        text = "身份证号,缴费月份,统一社会信用代码,单位名称\n"
        assert file_format(io.BytesIO(text.encode("utf-8"))) == CSV_UTF8
        assert file_format(io.BytesIO(text.encode("gbk"))) == CSV_GB
        assert file_format(io.BytesIO(b"PK\x03\x04rest")) == XLSX

    def test_gbk_found_even_when_the_first_chunk_is_ascii(self):
        data = ("a,b\n" * 40000 + "单位\n").encode("gbk")
        assert len(data) > 128 * 1024
        assert file_format(io.BytesIO(data)) == CSV_GB
