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


def _der(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length, content."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


@dataclass(frozen=True)
class CmsTemplate:
    """The office's PAdES signature container with the two parts that change per PDF left open.

    With no timestamp, no revocation info and PAdES attributes (content type, message digest, ESS signing
    certificate v2 — no signing time, which PAdES keeps in the signature dictionary's /M), every byte of the CMS
    except the document's digest (fixed length) and the signature value is the same for every certificate. pyhanko
    builds it once per process (asn1crypto, ~8 ms); the rest are spliced as bytes (~0.1 ms)."""

    attrs_before: bytes  # signed attributes ([0] IMPLICIT SET) up to the message digest's value
    attrs_after: bytes
    signer_head: bytes  # SignerInfo: version, sid, digest algorithm
    signature_algorithm: bytes
    signed_data_head: bytes  # SignedData: version, digest algorithms, encapsulated content info, certificates
    content_type: bytes  # ContentInfo's OID (signedData)
    mechanism: str  # asn1crypto's name of the signature algorithm

    def signed_attributes(self, digest: bytes) -> bytes:
        """The bytes the signature covers: the signed attributes tagged as a SET (RFC 5652 §5.4)."""
        return b"\x31" + self.attrs_before[1:] + digest + self.attrs_after

    def container(self, digest: bytes, signature: bytes) -> bytes:
        signer_info = _der(0x30, self.signer_head + self.attrs_before + digest + self.attrs_after
                           + self.signature_algorithm + _der(0x04, signature))
        signed_data = _der(0x30, self.signed_data_head + _der(0x31, signer_info))
        return _der(0x30, self.content_type + _der(0xA0, signed_data))


def cms_template_from(reference: bytes, digest: bytes) -> CmsTemplate | None:
    """The template of a CMS pyhanko made over `digest`, or None if it has a part we do not splice (then pyhanko
    keeps building every container). It must rebuild `reference` byte for byte, or it is not used."""
    from asn1crypto import cms

    info = cms.ContentInfo.load(reference)
    signed = info["content"]
    if len(signed["signer_infos"]) != 1 or signed["crls"].native is not None:
        return None
    signer = signed["signer_infos"][0]
    if signer["unsigned_attrs"].native is not None:
        return None
    attrs = signer["signed_attrs"].dump()
    if attrs.count(digest) != 1 or attrs[0] != 0xA0:
        return None
    before, after = attrs.split(digest)
    template = CmsTemplate(
        attrs_before=before, attrs_after=after,
        signer_head=signer["version"].dump() + signer["sid"].dump() + signer["digest_algorithm"].dump(),
        signature_algorithm=signer["signature_algorithm"].dump(),
        signed_data_head=(signed["version"].dump() + signed["digest_algorithms"].dump()
                          + signed["encap_content_info"].dump() + signed["certificates"].dump()),
        content_type=info["content_type"].dump(),
        mechanism=signer["signature_algorithm"]["algorithm"].native,
    )
    if template.container(digest, signer["signature"].native) != reference:
        return None
    return template


def _office_signer_class():
    from pyhanko.sign import signers

    class OfficeSigner(signers.SimpleSigner):
        """The office's signer: pyhanko builds the first signature container; later ones reuse its bytes.

        Only the exact case we sign (PAdES, SHA-256, no timestamp, no revocation attribute, no extra CAdES
        attributes, not a dry run) takes the template; anything else is pyhanko's own path."""

        template: CmsTemplate | None = None
        _template_tried = False
        _key = None

        def _sign_bytes(self, data: bytes) -> bytes:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import ec, padding

            key = self._crypto_key()
            mechanism = self.template.mechanism if self.template else ""
            if mechanism in ("sha256_ecdsa", "ecdsa"):
                return key.sign(data, ec.ECDSA(hashes.SHA256()))
            if mechanism in ("sha256_rsa", "rsassa_pkcs1v15"):
                return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
            return self.sign_raw(data, "sha256")  # pyhanko's mechanism handling (e.g. PSS)

        def _crypto_key(self):
            """The key as a `cryptography` object, loaded once (pyhanko's sign_raw parses the DER every time)."""
            from cryptography.hazmat.primitives import serialization

            if self._key is None:
                self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            return self._key

        async def async_sign(self, data_digest, digest_algorithm, dry_run=False, use_pades=False,
                             timestamper=None, signed_attr_settings=None, is_pdf_sig=True,
                             encap_content_info=None):
            plain = (not dry_run and use_pades and timestamper is None and is_pdf_sig
                     and encap_content_info is None and digest_algorithm == "sha256"
                     and (signed_attr_settings is None
                          or (signed_attr_settings.adobe_revinfo_attr is None
                              and signed_attr_settings.cades_signed_attrs is None)))
            if plain and self.template is not None:
                return self.template.container(
                    data_digest, self._sign_bytes(self.template.signed_attributes(data_digest)))
            result = await super().async_sign(
                data_digest, digest_algorithm, dry_run=dry_run, use_pades=use_pades, timestamper=timestamper,
                signed_attr_settings=signed_attr_settings, is_pdf_sig=is_pdf_sig,
                encap_content_info=encap_content_info)
            if plain and not self._template_tried:
                self._template_tried = True
                self.template = cms_template_from(result.dump(), data_digest)
            return result

    return OfficeSigner


@functools.cache
def _pdf_signer(reason: str, location: str):
    """pyhanko's PdfSigner (metadata + the office's signer), built once per process and reason/location."""
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES,
                                        reason=reason, location=location or None, md_algorithm="sha256")
    return signers.PdfSigner(meta, signer=_office_signer())


@functools.cache
def _office_signer():
    """The office's key and certificate (keys.pades_signer) in the signer that keeps its CMS template."""
    loaded = pades_signer()
    return _office_signer_class()(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                                  cert_registry=loaded.cert_registry)


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
