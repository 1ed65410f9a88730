"""Checksums of Chinese identifiers (rules-facts.md) and the password character-class rule."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_id_number(value: str) -> str:
    """Trim and upper-case an ID number (a lowercase x check character is accepted)."""
    return (value or "").strip().upper()


def resident_id_error(value: str) -> str | None:
    """Why an 18-character resident ID (GB 11643) is invalid, or None when it is valid."""
    v = normalise_id_number(value)
    if len(v) != 18:
        return _("身份证号码应为 18 位，当前为 %(n)d 位") % {"n": len(v)}
    if not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        return _("身份证号码前 17 位应为数字，最后一位为数字或 X")
    try:
        dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return _("身份证号码中的出生日期 %(d)s 不存在") % {"d": v[6:14]}
    expected = _ID_CHECK[sum(int(c) * w for c, w in zip(v[:17], _ID_WEIGHTS, strict=True)) % 11]
    if v[17] != expected:
        return _("身份证号码校验位错误，请核对后重新输入")
    return None


def validate_resident_id(value: str) -> None:
    error = resident_id_error(value)
    if error:
        raise ValidationError(error, code="invalid_id_number")


def birth_date_from_id(value: str) -> dt.date:
    v = normalise_id_number(value)
    return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))


def sex_from_id(value: str) -> str:
    """'M' or 'F' from the sequence digit (odd = male)."""
    return "M" if int(normalise_id_number(value)[16]) % 2 else "F"


def credit_code_error(value: str) -> str | None:
    """Why a unified social credit code (GB 32100) is invalid, or None when it is valid."""
    v = (value or "").strip().upper()
    if len(v) != 18:
        return _("统一社会信用代码应为 18 位，当前为 %(n)d 位") % {"n": len(v)}
    bad = sorted({c for c in v if c not in _CC_ALPHABET})
    if bad:
        return _("统一社会信用代码含有不允许的字符：%(c)s（不使用 I、O、S、V、Z）") % {"c": "".join(bad)}
    total = sum(_CC_ALPHABET.index(c) * w for c, w in zip(v[:17], _CC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    if v[17] != _CC_ALPHABET[check]:
        return _("统一社会信用代码校验位错误，请核对后重新输入")
    return None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="invalid_credit_code")


class CharacterClassPasswordValidator:
    """A password needs at least three of: lowercase, uppercase, digits, symbols."""

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、符号中的至少三类")
