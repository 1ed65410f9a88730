"""ID numbers (GB 11643 and other ID types) and unified social credit codes (GB 32100)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhicheng.accounts.models import IdType
from zhicheng.accounts.tests.factories import make_credit_code, make_resident_id
from zhicheng.accounts.validators import credit_code_error, id_number_error, resident_id_error

VALID_ID = "11010519491231002X"
VALID_CC = "91350200MA2YJ1XR9G"


class TestResidentId:
    def test_valid_example(self):
        assert id_number_error(IdType.RESIDENT, VALID_ID) is None

    def test_lowercase_x_is_accepted(self):
        assert id_number_error(IdType.RESIDENT, VALID_ID.lower()) is None

    def test_surrounding_spaces_are_ignored(self):
        assert id_number_error(IdType.RESIDENT, f"  {VALID_ID} ") is None

    def test_wrong_check_character(self):
        assert "校验位错误" in id_number_error(IdType.RESIDENT, VALID_ID[:-1] + "1")

    @pytest.mark.parametrize("value", [VALID_ID[:-1], VALID_ID + "1", "1234567"])
    def test_wrong_length(self, value):
        assert "应为 18 位" in id_number_error(IdType.RESIDENT, value)

    def test_impossible_birth_date(self):
        body = "11010519490230002"  # 30 February
        assert "出生日期" in resident_id_error(body + "0")

    def test_letters_inside(self):
        assert "前 17 位应为数字" in id_number_error(IdType.RESIDENT, "11010519491231A02X")

    def test_empty(self):
        assert id_number_error(IdType.RESIDENT, "") == "请填写证件号码"

    @given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2020, 12, 31)), st.integers(0, 499), st.booleans())
    def test_every_computed_id_is_valid_and_one_changed_digit_is_not(self, birth, seq, male):
        value = make_resident_id(birth.strftime("%Y%m%d"), seq, male)
        assert id_number_error(IdType.RESIDENT, value) is None
        changed = value[:3] + str((int(value[3]) + 1) % 10) + value[4:]
        assert id_number_error(IdType.RESIDENT, changed) is not None


class TestOtherIdTypes:
    def test_residence_permit_needs_its_prefix(self):
        # a valid resident ID is a valid 18-character number but lacks the 810000/820000/830000 prefix
        assert "810000" in id_number_error(IdType.HMT_PERMIT, VALID_ID)

    def test_residence_permit_with_prefix_and_check(self):
        body = "81000019900101001"
        from zhicheng.accounts.validators import _ID_CHECK, _ID_WEIGHTS

        check = _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
        assert id_number_error(IdType.HMT_PERMIT, body + check) is None
        wrong = "1" if check != "1" else "2"
        assert "校验位错误" in id_number_error(IdType.HMT_PERMIT, body + wrong)

    @pytest.mark.parametrize("value", ["E12345678", "g1234567", "AB12345"])
    def test_passport_accepts_letters_and_digits(self, value):
        assert id_number_error(IdType.PASSPORT, value) is None

    @pytest.mark.parametrize("value", ["E123", "E12345678901234567890X", "E1234-567"])
    def test_passport_refuses_other_shapes(self, value):
        assert "5–20 位" in id_number_error(IdType.PASSPORT, value)

    def test_foreign_pr_card_uses_the_document_rule(self):
        assert id_number_error(IdType.FOREIGN_PR, "USA110090010108") is None

    def test_unknown_type(self):
        assert "未知的证件类型" in id_number_error("driving_licence", VALID_ID)


class TestCreditCode:
    def test_valid_example(self):
        assert credit_code_error(VALID_CC) is None

    def test_lowercase_is_normalised(self):
        assert credit_code_error(VALID_CC.lower()) is None

    def test_wrong_check_character(self):
        assert "校验位错误" in credit_code_error(VALID_CC[:-1] + "8")

    @pytest.mark.parametrize("value", [VALID_CC[:-1], VALID_CC + "0", ""])
    def test_wrong_length(self, value):
        assert "应为 18 位" in credit_code_error(value)

    @pytest.mark.parametrize("letter", list("IOSVZ"))
    def test_forbidden_letters(self, letter):
        value = VALID_CC[:10] + letter + VALID_CC[11:]
        message = credit_code_error(value)
        assert "不允许的字符" in message and letter in message

    @given(st.integers(0, 10**9))
    def test_computed_codes_are_valid(self, n):
        assert credit_code_error(make_credit_code(n)) is None
