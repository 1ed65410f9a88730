"""Checksums of Chinese identifiers (rules-facts.md) and the password character-class rule."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.password_validation import MinimumLengthValidator
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
    return _gb11643_error(value, _("身份证号码"))


def _gb11643_error(value: str, label: str) -> str | None:
    """Why an 18-character number with the GB 11643 layout and check character is invalid, or None."""
    v = normalise_id_number(value)
    if len(v) != 18:
        return _("%(label)s应为 18 位，当前为 %(n)d 位") % {"label": label, "n": len(v)}
    if not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        return _("%(label)s前 17 位应为数字，最后一位为数字或 X") % {"label": label}
    try:
        dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return _("%(label)s中的出生日期 %(d)s 不存在") % {"label": label, "d": v[6:14]}
    expected = _ID_CHECK[sum(int(c) * w for c, w in zip(v[:17], _ID_WEIGHTS, strict=True)) % 11]
    if v[17] != expected:
        return _("%(label)s校验位错误，请核对后重新输入") % {"label": label}
    return None


# Values of accounts.models.IdType, spelled out here because models import this module
ID_TYPE_RESIDENT = "resident"
ID_TYPE_HMT_PERMIT = "hmt_permit"
ID_TYPE_PASSPORT = "passport"
ID_TYPE_FOREIGN_PR = "foreign_pr"
HMT_PERMIT_PREFIXES = ("810000", "820000", "830000")
_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")


def id_number_error(id_type: str, value: str) -> str | None:
    """Why an ID number of the given ID type is invalid, or None when it is valid (upper case assumed)."""
    v = normalise_id_number(value)
    if not v:
        return _("请填写证件号码")
    if id_type == ID_TYPE_RESIDENT:
        return resident_id_error(v)
    if id_type == ID_TYPE_HMT_PERMIT:
        error = _gb11643_error(v, _("港澳台居民居住证号码"))
        if error is None and not v.startswith(HMT_PERMIT_PREFIXES):
            return _("港澳台居民居住证号码应以 810000、820000 或 830000 开头")
        return error
    if id_type in (ID_TYPE_PASSPORT, ID_TYPE_FOREIGN_PR):
        if not _DOCUMENT_NUMBER.fullmatch(v):
            return _("护照或永久居留身份证号码应为 5–20 位字母或数字")
        return None
    return _("未知的证件类型：%(t)s") % {"t": id_type}


def validate_id_number(id_type: str, value: str) -> None:
    error = id_number_error(id_type, value)
    if error:
        raise ValidationError(error, code="invalid_id_number")


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


class MinimumLengthPasswordValidator(MinimumLengthValidator):
    """Django's length rule in Chinese: Django 5.2's zh-Hans catalogue lacks its reworded message."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(n)d 个字符") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(n)d 个字符") % {"n": self.min_length}
