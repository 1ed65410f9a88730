"""Valid Chinese identifiers for demo people and bodies: check characters computed, never typed."""

from __future__ import annotations

import datetime as dt

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(area: str, birth: dt.date, sequence: int, *, male: bool) -> str:
    """A GB 11643 resident ID: area code, birth date, a sequence whose last digit is odd for men, check."""
    seq = sequence % 500 * 2 + (1 if male else 0)
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def organisation_code(serial: int) -> str:
    """A GB 11714 organisation code (8 digits and its check character), the middle of a credit code."""
    body = f"{serial:08d}"
    check = 11 - sum(int(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(authority: str, area: str, serial: int) -> str:
    """A GB 32100 unified social credit code: authority+category (e.g. '12', '91'), area, org code, check."""
    body = f"{authority}{area}{organisation_code(serial)}"
    total = sum(_CC_ALPHABET.index(c) * w for c, w in zip(body, _CC_WEIGHTS, strict=True))
    return body + _CC_ALPHABET[(31 - total % 31) % 31]
