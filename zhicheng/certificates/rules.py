"""Pure certificate policy: numbers and codes, the masked ID, the canonical register data the SM2 signature covers.

Canonical serialisation (version 1, stable; docs/operations.md): the register fields below as a JSON object with
keys sorted, no whitespace (`separators=(",", ":")`), non-ASCII kept as UTF-8 (`ensure_ascii=False`), dates as
ISO `YYYY-MM-DD`, every value a string; the UTF-8 bytes are what SM2 (with SM3, the default user id
"1234567812345678") signs. A new field means a new version `v`, never a changed meaning.
"""

from __future__ import annotations

import json
import secrets
import unicodedata

REGISTER_VERSION = "1"
REGISTER_FIELDS = (
    "v", "number", "code", "name", "sex", "id_type", "id_number", "series", "specialty", "title", "title_code",
    "level", "scope", "obtained_by", "committee", "approved_on", "document_number", "issuer",
)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 16  # 31^16 ≈ 2^79: not guessable, even without the rate limit

MAX_NUMBER_LENGTH = 20
MAX_NAME_LENGTH = 60
MAX_CODE_LENGTH = 32


def certificate_number(*, year: int, title_code: str, sequence: int) -> str:
    """The human-readable number: year, the 4-digit title code, a 6-digit sequence (e.g. 20240502000001)."""
    return f"{year:04d}{title_code}{sequence:06d}"


def code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:MAX_CODE_LENGTH]


def number_normalise(number: str) -> str:
    return "".join(ch for ch in (number or "") if ch.isalnum())[:MAX_NUMBER_LENGTH + 1].upper()


def name_normalise(name: str) -> str:
    """NFKC, no spaces (people type 张 三 or full-width letters); a name as written on the certificate."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def id_mask(id_number: str) -> str:
    """The face shows the first 6 and last 4 characters only: 620102********1234."""
    value = id_number or ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 2, 0)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def sex_from_id(id_number: str) -> str:
    """男/女 from a resident ID number's 17th digit; empty when it cannot tell."""
    value = id_number or ""
    if len(value) == 18 and value[16].isdigit():
        return "男" if int(value[16]) % 2 else "女"
    return ""


def register_canonical(register: dict) -> bytes:
    """The bytes the SM2 signature covers (see the module docstring); unknown keys are refused."""
    unknown = set(register) - set(REGISTER_FIELDS)
    if unknown:
        raise ValueError(f"unknown register fields: {sorted(unknown)}")
    data = {key: str(register.get(key, "")) for key in REGISTER_FIELDS}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
