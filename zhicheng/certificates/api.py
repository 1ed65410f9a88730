"""API: public verification (no log-in, rate-limited per client, never an ID number), holders' downloads, the
office's document, batch issue, ZIP, revocation and the national register export (same checks as the pages)."""

from __future__ import annotations

import datetime as dt

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip
from zhicheng.core.pagination import Pagination
from zhicheng.dossiers.models import Dossier

from . import selectors, services

router = Router(tags=["certificates"])


def _file(media: str, what: str) -> dict:
    """The success response of an endpoint answering a file, for the OpenAPI schema."""
    return {"responses": {200: {"description": what, "content": {media: {"schema": {"type": "string",
                                                                                       "format": "binary"}}}}}}


public_router = Router(tags=["public"], auth=None)


class VerificationOut(Schema):
    status: str
    status_label: str
    number: str
    name: str
    title: str
    title_code: str
    series: str
    specialty: str
    level: str
    scope: str
    obtained_by: str
    committee: str
    approved_on: str
    document_number: str
    issuer: str
    revoked_on: dt.date | None
    revoke_reason: str
    register_signature_valid: bool


class PdfVerificationOut(Schema):
    signature_present: bool
    signature_intact: bool
    signed_by_office: bool
    covers_whole_file: bool
    matches_register: bool
    certificate: VerificationOut


def _out(v: selectors.Verification) -> dict:
    return dict(v.__dict__, status_label=v.status_label)


@public_router.get("/certificates/verify", response=VerificationOut, throttle=[selectors.verify_throttle()])
def public_certificate_verify(request, number: str = "", name: str = ""):
    """valid / revoked (date and reason) / not_found, by the certificate number and the holder's name; a wrong name
    answers not_found exactly as an unknown number does."""
    return _out(selectors.certificate_verify(number=number, name=name))


@public_router.get("/certificates/verify/{code}", response=VerificationOut, throttle=[selectors.verify_throttle()])
def public_certificate_verify_code(request, code: str):
    """The QR code's verification code."""
    return _out(selectors.certificate_verify_code(code))


@public_router.post("/certificates/verify-pdf", response=PdfVerificationOut, throttle=[selectors.verify_throttle()])
def public_certificate_verify_pdf(request, file: UploadedFile = File(...)):  # noqa: B008 - ninja style
    """Check an uploaded certificate PDF: its signature and that it is the certificate the register holds."""
    if file.size and file.size > selectors.MAX_PDF_BYTES:
        raise ApplicationError("file_too_large", "文件过大（不超过 5 MB）", "The file is too large", status=413)
    result = selectors.certificate_verify_pdf(file.read(selectors.MAX_PDF_BYTES + 1))
    return {"signature_present": result.check.signed, "signature_intact": result.check.intact,
            "signed_by_office": result.check.trusted, "covers_whole_file": result.check.whole_file,
            "matches_register": result.matches_register, "certificate": _out(result.verification)}


# -- holders ---------------------------------------------------------------------------------------------------


class CertificateOut(Schema):
    id: int
    number: str
    holder_name: str
    title: str
    document_number: str
    issued_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_title(obj):
        return obj.register.get("title", "")

    @staticmethod
    def resolve_document_number(obj):
        return obj.document.number


def _pdf_response(cert, request) -> FileResponse:
    services.certificate_download_record(actor=request.auth, certificate=cert, ip=client_ip(request))
    return FileResponse(default_storage.open(cert.pdf.name, "rb"), as_attachment=True,
                        filename=f"{cert.number}.pdf", content_type="application/pdf")


@router.get("/mine", response=list[CertificateOut])
def certificates_mine(request):
    """Your own e-certificates."""
    return list(selectors.certificates_of_holder(request.auth))


@router.get("/mine/{certificate_id}/pdf", openapi_extra=_file("application/pdf", "the signed certificate"))
def certificate_mine_pdf(request, certificate_id: int):
    """Download your certificate (another person's answers 404)."""
    return _pdf_response(selectors.certificate_of_holder_get(request.auth, certificate_id), request)


# -- the office ------------------------------------------------------------------------------------------------


class DocumentIn(Schema):
    dossier_ids: list[int]
    number: str
    issued_on: dt.date
    heading: str = ""


class DocumentOut(Schema):
    id: int
    number: str
    issued_on: dt.date
    heading: str
    persons: int = 0
    issued: int = 0


class RunOut(Schema):
    id: int
    total: int
    done: int
    finished_at: dt.datetime | None


class RevokeIn(Schema):
    reason: str
    decision_document: str
    note: str = ""


@router.get("/documents/", response=list[DocumentOut])
@paginate(Pagination, page_size=50)
def documents(request):
    return selectors.documents_for(request.auth)


@router.post("/documents/", response={201: DocumentOut})
def document_approve(request, payload: DocumentIn):
    """Approve the title document for these persons (all or none; refused while a publicity runs or an objection
    is open)."""
    found = {d.pk: d for d in selectors.conferrable_for(request.auth).filter(pk__in=payload.dossier_ids)}
    others = Dossier.objects.filter(pk__in=[i for i in payload.dossier_ids if i not in found],
                                    held_by_id__in=selectors.office_ids(request.auth))
    dossiers = list(found.values()) + list(others.select_related("organisation", "applicant"))
    if len(dossiers) != len(set(payload.dossier_ids)):
        raise ApplicationError("not_found", "申报材料不存在或无权办理", "Dossier not found", status=404)
    document = services.title_document_approve(actor=request.auth, dossiers=dossiers, number=payload.number,
                                               issued_on=payload.issued_on, heading=payload.heading,
                                               ip=client_ip(request))
    return Status(201, selectors.document_get_for(request.auth, document.pk))


@router.post("/documents/{document_id}/issue", response={202: RunOut})
def document_issue(request, document_id: int):
    """Issue (render and sign) the document's certificates in the background; rerunning issues only the missing."""
    document = selectors.document_get_for(request.auth, document_id)
    return Status(202, services.certificates_issue_start(actor=request.auth, document=document, ip=client_ip(request)))


@router.get("/documents/{document_id}/runs", response=list[RunOut])
def document_runs(request, document_id: int):
    return list(selectors.document_get_for(request.auth, document_id).issue_runs.all())


@router.get("/documents/{document_id}/zip", openapi_extra=_file("application/zip", "the batch's certificates"))
def document_zip(request, document_id: int):
    document = selectors.document_get_for(request.auth, document_id)
    data = services.document_zip(actor=request.auth, document=document)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}.zip"'
    return response


@router.post("/{certificate_id}/revoke", response=CertificateOut)
def certificate_revoke(request, certificate_id: int, payload: RevokeIn):
    """Revoke a title (§七(三)): verification answers revoked at once; the holder is barred for 3 years."""
    cert = selectors.office_certificate_get_for(request.auth, certificate_id)
    return services.certificate_revoke(actor=request.auth, certificate=cert, reason=payload.reason,
                                       decision_document=payload.decision_document, note=payload.note,
                                       ip=client_ip(request))


@router.get("/register", openapi_extra={"responses": {200: {"description": "the register (CSV or XLSX)", "content": {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string",
                                                                                      "format": "binary"}}}}}})
def register_export(request, year: int, format: str = "csv"):
    """The national register export: one row per approved title (layout in docs/operations.md)."""
    office_id = next(iter(sorted(selectors.office_ids(request.auth))), None)
    if office_id is None:
        raise ApplicationError("not_found", "无权导出", "Not found", status=404)
    from zhicheng.accounts.models import Organisation

    export = services.register_export(actor=request.auth, office=Organisation.objects.get(pk=office_id), year=year,
                                      fmt=format, ip=client_ip(request))
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
