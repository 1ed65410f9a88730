"""Signatures: PAdES over the whole PDF (pyhanko, the office's X.509 key) and SM2/SM3 over the register data."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from .keys import office_certificate, pades_signer, sm2_keys
from .rules import register_canonical

SIGNATURE_FIELD = "OfficeSignature"


def pdf_sign(pdf: bytes, *, reason: str = "职称电子证书", location: str = "") -> bytes:
    """Sign with PAdES (baseline B), appended as an incremental update: the signature's byte range is the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES,
                                        reason=reason, location=location or None, md_algorithm="sha256")
    out = signers.sign_pdf(writer, meta, signer=pades_signer())
    return out.getvalue()


@dataclass(frozen=True)
class PdfCheck:
    signed: bool
    intact: bool
    trusted: bool
    whole_file: bool
    signer: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def pdf_check(data: bytes) -> PdfCheck:
    """Validate the first signature of a PDF against the office's certificate (the trust root)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        return PdfCheck(False, False, False, False)
    if not signatures:
        return PdfCheck(False, False, False, False)
    try:
        status = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[office_certificate()]))
    except Exception:
        return PdfCheck(True, False, False, False)
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    return PdfCheck(True, bool(status.intact and status.valid), bool(status.trusted),
                    status.coverage == SignatureCoverageLevel.ENTIRE_FILE, signer)


def _sm2(public_only: bool = False):
    from gmssl import sm2

    keys = sm2_keys()
    return sm2.CryptSM2(private_key="" if public_only else keys.private_hex, public_key=keys.public_hex)


def sm2_sign(register: dict) -> str:
    """SM2 signature (r‖s, hex) with SM3 over the canonical register bytes; the nonce comes from the OS CSPRNG."""
    from gmssl import sm2

    n = int(sm2.default_ecc_table["n"], 16)
    nonce = f"{secrets.randbelow(n - 1) + 1:064x}"
    return _sm2().sign_with_sm3(register_canonical(register), nonce)


def sm2_memo(register: dict, signature: str) -> str:
    """A keyed digest (SECRET_KEY) of the register bytes and signature, written once the SM2 signature verified.

    gmssl verifies in ~150 ms (pure Python); the public check compares this memo (microseconds) and runs the full
    SM2 verification only when it does not match (register data or signature changed in the database)."""
    from django.utils.crypto import salted_hmac

    return salted_hmac("zhicheng.certificates.sm2", register_canonical(register) + b"|" + signature.encode(),
                       algorithm="sha256").hexdigest()


def sm2_check(register: dict, signature: str, memo: str) -> bool:
    """True when the SM2 signature is valid over the register: by its memo, else by verifying it in full."""
    import hmac

    if memo and hmac.compare_digest(sm2_memo(register, signature), memo):
        return True
    return sm2_verify(register, signature)


def sm2_verify(register: dict, signature: str) -> bool:
    try:
        return bool(_sm2(public_only=True).verify_with_sm3(signature, register_canonical(register)))
    except (ValueError, TypeError):
        return False
