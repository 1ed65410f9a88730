"""Reading certificates: public verification (by number + name, by code, by uploaded PDF), holders' and the office's.

Verification takes one code path whatever the answer: one indexed read by number, one SM2 verification (of the
row's register data and signature as they are in the database now, or of a fixed dummy when there is no row), one
constant-time name comparison; an unknown number and a wrong name give the same "not found" and cost the same.
The SM2 answer is remembered per process under (what was asked: number, code or PDF digest; the SHA-256 of the
canonical register bytes and the signature now in the row, or the dummy's): a changed row or signature is a new key,
so a real SM2 verification; the first query of an unknown number misses like that of an existing one, so timing does
not reveal existence (docs/decisions.md). The public answer never contains an ID number.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.throttling import ClientAddressThrottle

from .keys import sm2_keys
from .models import Certificate, TitleDocument
from .rules import (
    CODE_LENGTH,
    MAX_CODE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NUMBER_LENGTH,
    code_normalise,
    name_normalise,
    number_normalise,
    register_canonical,
)
from .signing import PdfCheck, pdf_check, sm2_sign, sm2_verify

VALID, REVOKED, NOT_FOUND, TAMPERED = "valid", "revoked", "not_found", "tampered"
STATUS_LABELS = {VALID: ("有效", "Valid"), REVOKED: ("已撤销", "Revoked"), NOT_FOUND: ("未查到", "Not found"),
                 TAMPERED: ("登记数据签名不符", "Register signature broken")}

# one budget per client address for the page, the API and the PDF check together
VERIFY_RATE = "30/m"
MAX_PDF_BYTES = 5 * 1024 * 1024


def verify_throttle() -> ClientAddressThrottle:
    return ClientAddressThrottle(VERIFY_RATE, scope="certificate_verify")


@dataclass(frozen=True)
class Verification:
    """What anyone may learn about a certificate: never the ID number."""

    status: str
    number: str = ""
    name: str = ""
    title: str = ""
    title_code: str = ""
    series: str = ""
    specialty: str = ""
    level: str = ""
    scope: str = ""
    obtained_by: str = ""
    committee: str = ""
    approved_on: str = ""
    document_number: str = ""
    issuer: str = ""
    revoked_on: dt.date | None = None
    revoke_reason: str = ""
    register_signature_valid: bool = False

    @property
    def status_label(self) -> str:
        from django.utils.translation import get_language

        zh, en = STATUS_LABELS[self.status]
        return en if (get_language() or "").startswith("en") else zh


NOT_FOUND_ANSWER = Verification(NOT_FOUND)


def malformed_error(field: str) -> ApplicationError:
    return ApplicationError("malformed_query", "查询内容格式不正确，请核对证书编号和姓名",
                            "The query is malformed: check the certificate number and name",
                            details={"fields": {field: ["格式不正确"]}})


@functools.cache
def _dummy() -> tuple[dict, str]:
    """Register data and signature for the 'no row' path, so it costs one full SM2 verification too."""
    register = {"v": "1", "number": "0" * 14, "code": "X" * CODE_LENGTH, "name": "-"}
    return register, sm2_sign(register)


SM2_CACHE_SIZE = 20_000  # ~3 MB per process; the oldest entry goes first
_sm2_verified: OrderedDict[bytes, bool] = OrderedDict()
_sm2_lock = threading.Lock()


def sm2_verified(asked: str, register: dict, signature: str) -> bool:
    """The SM2 verification of `signature` over `register`, remembered per process under (what was asked, digest of
    the register bytes and the signature). A miss (first query of this number, whether it exists or not, or a
    changed row) runs the full verification; a hit returns what that verification said."""
    key = hashlib.sha256("\x00".join((sm2_keys().public_hex, asked, signature or "")).encode() + b"\x00"
                         + register_canonical(register)).digest()  # a new office key misses the cache too
    with _sm2_lock:
        known = _sm2_verified.get(key)
        if known is not None:
            _sm2_verified.move_to_end(key)
            return known
    answer = sm2_verify(register, signature)
    with _sm2_lock:
        _sm2_verified[key] = answer
        while len(_sm2_verified) > SM2_CACHE_SIZE:
            _sm2_verified.popitem(last=False)
    return answer


def sm2_verified_forget() -> None:
    """Empty the process cache (tests)."""
    with _sm2_lock:
        _sm2_verified.clear()


def _answer(cert: Certificate | None, matches: bool, asked: str) -> Verification:
    register, signature = (cert.register, cert.sm2_signature) if cert is not None else _dummy()
    signature_ok = sm2_verified(asked, register, signature)
    if cert is None or not matches:
        return NOT_FOUND_ANSWER
    r = cert.register
    return Verification(
        status=(REVOKED if cert.revoked_at else VALID) if signature_ok else TAMPERED, number=cert.number,
        name=cert.holder_name, title=r.get("title", ""), title_code=r.get("title_code", ""),
        series=r.get("series", ""), specialty=r.get("specialty", ""), level=r.get("level", ""),
        scope=r.get("scope", ""), obtained_by=r.get("obtained_by", ""), committee=r.get("committee", ""),
        approved_on=r.get("approved_on", ""), document_number=r.get("document_number", ""),
        issuer=r.get("issuer", ""),
        revoked_on=timezone.localtime(cert.revoked_at).date() if cert.revoked_at else None,
        revoke_reason=str(cert.get_revoke_reason_display()) if cert.revoked_at else "",
        register_signature_valid=signature_ok,
    )


def _issued() -> QuerySet[Certificate]:
    return Certificate.objects.filter(issued_at__isnull=False)


def certificate_verify(*, number: str, name: str) -> Verification:
    """valid / revoked / not found for a number and the holder's name; a wrong name is indistinguishable from an
    unknown number. Malformed input (overlong, control characters) → 400."""
    number, name = number or "", name or ""
    if len(number) > MAX_NUMBER_LENGTH * 2 or any(not ch.isprintable() for ch in number):
        raise malformed_error("number")
    if len(name) > MAX_NAME_LENGTH or any(not ch.isprintable() for ch in name):
        raise malformed_error("name")
    clean = number_normalise(number)
    found = list(_issued().filter(number=clean).order_by()[:1]) if clean and len(clean) <= MAX_NUMBER_LENGTH else []
    cert = found[0] if found else None
    given = name_normalise(name).encode("utf-8")
    expected = name_normalise(cert.holder_name if cert is not None else "\x00").encode("utf-8")
    matches = bool(given) and hmac.compare_digest(given, expected)
    return _answer(cert, matches, "number:" + clean)


def certificate_verify_code(code: str) -> Verification:
    """The QR code's URL: the unguessable code alone identifies the certificate."""
    if len(code or "") > MAX_CODE_LENGTH * 2:
        raise malformed_error("code")
    clean = code_normalise(code)
    found = list(_issued().filter(code=clean).order_by()[:1]) if len(clean) == CODE_LENGTH else []
    cert = found[0] if found else None
    return _answer(cert, cert is not None, "code:" + clean)


@dataclass(frozen=True)
class PdfVerification:
    check: PdfCheck
    matches_register: bool
    verification: Verification

    @property
    def ok(self) -> bool:
        return self.check.ok and self.matches_register


def certificate_verify_pdf(data: bytes) -> PdfVerification:
    """An uploaded PDF: its PAdES signature (intact, by the office, covering the whole file) and whether it is,
    byte for byte, a certificate we issued (so its content is the register's)."""
    if len(data) > MAX_PDF_BYTES:
        raise ApplicationError("file_too_large", "文件过大（不超过 5 MB）", "The file is too large (5 MB at most)",
                               status=413)
    if not data.startswith(b"%PDF-"):
        raise ApplicationError("not_pdf", "请上传 PDF 格式的电子证书", "Upload the certificate's PDF")
    check = pdf_check(data)
    digest = hashlib.sha256(data).hexdigest()
    cert = _issued().filter(pdf_sha256=digest).first()
    return PdfVerification(check, cert is not None, _answer(cert, cert is not None, "pdf:" + digest))


# -- holders and the office ------------------------------------------------------------------------------------


def certificates_of_holder(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(holder_id=getattr(user, "pk", None), issued_at__isnull=False).select_related(
        "document").order_by("-issued_at")


def certificate_of_holder_get(user, certificate_id: int) -> Certificate:
    cert = certificates_of_holder(user).filter(pk=certificate_id).first()
    if cert is None:
        raise NotFound("not_found", "证书不存在或无权查看", "Certificate not found")
    return cert


def office_ids(user) -> set[int]:
    from zhicheng.accounts.models import Membership, Role

    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(
        user_id=user.pk, is_active=True, role__in=(Role.REVIEW_CLERK, Role.REVIEW_LEADER, Role.OFFICE_STAFF),
        organisation__kind="office",
    ).values_list("organisation_id", flat=True))


def documents_for(user) -> QuerySet[TitleDocument]:
    from django.db.models import Count, Q

    return (TitleDocument.objects.filter(office_id__in=office_ids(user)).select_related("office", "approved_by")
            .annotate(persons=Count("certificates"),
                      issued=Count("certificates", filter=Q(certificates__issued_at__isnull=False)))
            .order_by("-issued_on", "-id"))


def document_get_for(user, document_id: int) -> TitleDocument:
    document = documents_for(user).filter(pk=document_id).first()
    if document is None:
        raise NotFound("not_found", "文件不存在或无权查看", "Document not found")
    return document


def office_certificates_for(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(document__office_id__in=office_ids(user)).select_related(
        "document", "dossier__organisation").order_by("-document__issued_on", "number")


def office_certificate_get_for(user, certificate_id: int) -> Certificate:
    cert = office_certificates_for(user).filter(pk=certificate_id).first()
    if cert is None:
        raise NotFound("not_found", "证书不存在或无权查看", "Certificate not found")
    return cert


def campaign_results_done(campaign) -> bool:
    """The campaign's results phase is done: a title document exists, no passed result still waits for publicity
    or the document, and every certificate on a document is issued (the dashboard's timeline)."""
    from zhicheng.dossiers.models import Dossier, DossierState

    waiting = (DossierState.PASSED, DossierState.IN_RESULT_PUBLICITY, DossierState.RESULT_PUBLICITY_DONE)
    return (TitleDocument.objects.filter(campaign=campaign).exists()
            and not Dossier.objects.filter(campaign=campaign, state__in=waiting).exists()
            and not Certificate.objects.filter(document__campaign=campaign, issued_at__isnull=True).exists())


def conferrable_for(user):
    """Dossiers whose result publicity ended without objection, held by the user's office (for the document)."""
    from zhicheng.dossiers.models import Dossier, DossierState

    return (Dossier.objects.filter(state=DossierState.RESULT_PUBLICITY_DONE, held_by_id__in=office_ids(user))
            .select_related("applicant", "organisation", "series", "level", "specialty").order_by("id"))
