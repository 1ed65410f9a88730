"""Signatures: PAdES over the whole PDF (pyhanko, the office's X.509 key) and SM2/SM3 over the register data."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from .keys import office_certificate, pades_signer, sm2_private_key, sm2_public_key
from .rules import register_canonical

SIGNATURE_FIELD = "OfficeSignature"


# Room for the CMS signature container (EC P-256 signature + the office's certificate + signed attributes, ~1.5 KB
# with a demo certificate): reserved up front so pyhanko does not sign a dummy once per PDF to measure it.
# `pdf_signature_reserve()` grows it for a longer certificate (chain), measured once per process.
SIGNATURE_RESERVE_MIN = 8192


@functools.cache
def pdf_signature_reserve() -> int:
    """Bytes to reserve for the signature: twice the office certificate's DER size plus 4 KB, at least 8 KB."""
    return max(SIGNATURE_RESERVE_MIN, 2 * len(office_certificate().dump()) + 4096)


@functools.cache
def _pdf_signer(reason: str, location: str):
    """pyhanko's PdfSigner (metadata + the office's signer), built once per process and reason/location."""
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES,
                                        reason=reason, location=location or None, md_algorithm="sha256")
    return signers.PdfSigner(meta, signer=pades_signer())


def pdf_sign(pdf: bytes, *, reason: str = "职称电子证书", location: str = "") -> bytes:
    """Sign with PAdES (baseline B), appended as an incremental update: the signature's byte range is the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = _pdf_signer(reason, location).sign_pdf(writer, bytes_reserved=pdf_signature_reserve())
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


def sm2_sign(register: dict) -> str:
    """SM2 signature (r‖s, 128 hex digits) with SM3 and the default user id over the canonical register bytes.

    Tongsuo (C, through `tongsuopy`) does the arithmetic in ~1 ms; its nonce comes from Tongsuo's CSPRNG."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
    from tongsuopy.crypto import hashes
    from tongsuopy.crypto.asymciphers import ec

    der = sm2_private_key().sign(register_canonical(register), ec.ECDSA(hashes.SM3()))
    r, s = decode_dss_signature(der)
    return f"{r:064x}{s:064x}"


def sm2_verify(register: dict, signature: str) -> bool:
    """The full SM2 verification of `signature` over the canonical register bytes (~1 ms; no memo, no cache)."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    from tongsuopy.crypto import hashes
    from tongsuopy.crypto.asymciphers import ec
    from tongsuopy.crypto.exceptions import InvalidSignature

    signature = signature or ""
    if len(signature) != 128 or any(ch not in "0123456789abcdefABCDEF" for ch in signature):
        # a malformed signature still costs one verification, so its answer takes the path of a wrong one
        signature = "f" * 128
    r, s = int(signature[:64], 16), int(signature[64:], 16)
    try:
        sm2_public_key().verify(encode_dss_signature(r, s), register_canonical(register), ec.ECDSA(hashes.SM3()))
    except (InvalidSignature, ValueError):
        return False
    return True
