"""Acting on results: approve the title document, issue (render + sign) certificates, revoke, export the register."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhicheng.accounts.models import IdType, Organisation
from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.catalog.models import TitleName
from zhicheng.committees.models import EvaluationResult
from zhicheng.core.errors import ApplicationError, NotFound, PermissionDenied
from zhicheng.core.permissions import require
from zhicheng.dossiers.holders import title_office_of
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.permissions import is_holder_leader, is_title_office_leader
from zhicheng.dossiers.workflow import dossier_transition
from zhicheng.eligibility.services import integrity_bar_record
from zhicheng.publicity.guards import not_over_error, objection_open_error
from zhicheng.publicity.models import EntryKind, Objection, ObjectionStatus, PublicityEntry
from zhicheng.publicity.rules import period_is_over

from . import render
from .models import Certificate, IssueRun, RevocationReason, TitleDocument
from .rules import certificate_number, code_new, sex_from_id
from .signing import pdf_sign, sm2_sign, sm2_verify

BAR_YEARS = 3  # §七(三): a title obtained by fraud is revoked and the person may not apply for 3 years
OBTAINED_BY = {"self_run": "评审", "entrusted": "评审（委托）"}


def _field_error(field: str, zh: str, en: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(code, zh, en, details={"fields": {field: [zh]}})


# -- the title document ------------------------------------------------------------------------------------------


def _publicity_refusal(dossier: Dossier, now: dt.datetime) -> ApplicationError:
    """Why a dossier cannot be on a document yet: its result publicity runs, an objection is open, or other state."""
    entry = PublicityEntry.objects.select_related("batch").filter(dossier=dossier, kind=EntryKind.RESULT).first()
    if dossier.state == DossierState.IN_RESULT_PUBLICITY and entry is not None:
        if Objection.objects.filter(entry=entry, status=ObjectionStatus.OPEN).exists():
            return objection_open_error([dossier.pk])
        if not period_is_over(ends_on=entry.batch.ends_on, at=now):
            return not_over_error(entry.batch.ends_on)
        return ApplicationError("publicity_not_closed", "评审结果公示已期满，请先结束公示",
                                "The result publicity is over; close it first", status=409)
    return ApplicationError(
        "not_public_done", f"{dossier.applicant.real_name}的申报材料当前为“{dossier.get_state_display()}”，"
        "评审结果公示期满且无异议后才能印发文件",
        f"Dossier {dossier.pk} is {dossier.state}: only results whose publicity ended without objection",
        status=409, details={"dossier": dossier.pk},
    )


def _register(*, dossier: Dossier, result: EvaluationResult | None, number: str, code: str,
              document: TitleDocument, title: TitleName | None) -> dict:
    user = dossier.applicant
    return {
        "v": "1", "number": number, "code": code, "name": user.real_name, "sex": sex_from_id(user.id_number or "")
        if user.id_type == IdType.RESIDENT else "", "id_type": user.id_type, "id_number": user.id_number or "",
        "series": dossier.series.name, "specialty": dossier.specialty.name if dossier.specialty_id else "",
        "title": title.name if title else dossier.level.name, "title_code": title.code if title else "",
        "level": dossier.level.name, "scope": str(dossier.get_scope_display()),
        "obtained_by": OBTAINED_BY.get(result.route if result else "", "评审"),
        "committee": result.committee_name if result else "", "approved_on": document.issued_on.isoformat(),
        "document_number": document.number, "issuer": document.office.name,
    }


def _next_sequence(year: int, title_code: str) -> int:
    prefix = f"{year:04d}{title_code}"
    last = Certificate.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    return int(last[0][len(prefix):]) + 1 if last else 1


def _document_pdf(document: TitleDocument, certificates: list[Certificate]) -> bytes:
    rows = [(c.holder_name, c.dossier.organisation.name, f"{c.register['series']}/{c.register['specialty']}",
             c.register["title"], c.register["scope"]) for c in certificates]
    return render.document_pdf(heading=document.heading, number=document.number,
                               issued_on=f"{document.issued_on:%Y年%m月%d日}", issuer=document.office.name, rows=rows)


@transaction.atomic
def title_document_approve(*, actor, dossiers: list[Dossier], number: str, issued_on: dt.date, heading: str = "",
                           ip: str | None = None) -> TitleDocument:
    """The office's review leader approves the document conferring the titles of these persons (all or none).

    Refused while a person's result publicity runs or has an open objection; creates one certificate row per person
    (number and code fixed now) and moves each dossier to `conferred`. Certificates are rendered and signed by the
    batch task (`certificates_issue_start`).
    """
    number = (number or "").strip()
    if not number or len(number) > 80:
        raise _field_error("number", "请填写文号（不超过 80 个字）", "Give the document number (at most 80 characters)")
    if not dossiers:
        raise _field_error("dossiers", "请选择列入文件的人员", "Choose the persons the document lists")
    if TitleDocument.objects.filter(number=number).exists():
        raise _field_error("number", "该文号已使用", "This document number is already used", "number_taken")
    now = timezone.now()
    offices = {title_office_of(d.organisation) for d in dossiers}
    if len(offices) != 1 or None in offices:
        raise ApplicationError("mixed_offices", "一个文件只能列入同一职改办的人员", "One office per document")
    office = offices.pop()
    Organisation.objects.select_for_update().get(pk=office.pk)  # one numbering at a time per office
    locked = list(Dossier.objects.select_for_update(of=("self",)).filter(pk__in=[d.pk for d in dossiers])
                  .select_related("applicant", "organisation", "series", "level", "specialty", "campaign")
                  .order_by("id"))
    for dossier in locked:
        require(is_holder_leader(actor, dossier))
        if dossier.state != DossierState.RESULT_PUBLICITY_DONE:
            raise _publicity_refusal(dossier, now)
    campaign = locked[0].campaign
    document = TitleDocument.objects.create(
        office=office, campaign=campaign, number=number, issued_on=issued_on, approved_by=actor, approved_at=now,
        heading=(heading or "").strip()[:200] or f"关于{campaign.year}年度专业技术职务任职资格评审结果的通知",
    )
    results = {r.dossier_id: r for r in EvaluationResult.objects.filter(dossier__in=locked)}
    titles = {(t.series_id, t.level_id): t for t in TitleName.objects.filter(
        series_id__in={d.series_id for d in locked}, level_id__in={d.level_id for d in locked})}
    certificates, sequences = [], {}
    for dossier in locked:
        title = titles.get((dossier.series_id, dossier.level_id))
        code_key = title.code if title else f"{dossier.series.code}{dossier.level.code}"
        sequences[code_key] = sequences.get(code_key) or _next_sequence(campaign.year, code_key)
        cert_number = certificate_number(year=campaign.year, title_code=code_key, sequence=sequences[code_key])
        sequences[code_key] += 1
        code = code_new()
        certificates.append(Certificate.objects.create(
            document=document, dossier=dossier, holder=dossier.applicant, number=cert_number, code=code,
            holder_name=dossier.applicant.real_name,
            register=_register(dossier=dossier, result=results.get(dossier.pk), number=cert_number, code=code,
                               document=document, title=title),
        ))
        dossier_transition(dossier=dossier, to=DossierState.CONFERRED, actor=actor, ip=ip,
                           data={"document": document.number, "certificate": cert_number})
    document.pdf.save(f"certificates/documents/{document.pk}.pdf", ContentFile(_document_pdf(document, certificates)),
                      save=True)
    audit_event_record(event_type=EventType.CERTIFICATE_DOCUMENT_APPROVED, actor=actor, organisation=office,
                       obj=document, data={"number": number, "issued_on": issued_on, "persons": len(certificates)},
                       ip=ip)
    return document


# -- issuing certificates ------------------------------------------------------------------------------------------


def certificate_render_signed(certificate: Certificate) -> tuple[bytes, str]:
    """The signed PDF and the SM2 signature of one certificate (nothing stored)."""
    id_type_label = str(IdType(certificate.register["id_type"]).label) if certificate.register.get("id_type") in \
        IdType.values else ""
    pdf = pdf_sign(render.certificate_pdf(certificate.register, id_type_label=id_type_label),
                   location=certificate.register.get("issuer", ""))
    return pdf, sm2_sign(certificate.register)


def certificate_issue(*, certificate_id: int) -> bool:
    """Render, sign and store one certificate; False if it was issued already or another worker holds it."""
    with transaction.atomic():
        cert = (Certificate.objects.select_for_update(skip_locked=True).select_related("document")
                .filter(pk=certificate_id, issued_at__isnull=True).first())
        if cert is None:
            return False
        pdf, signature = certificate_render_signed(cert)
        if not sm2_verify(cert.register, signature):  # never store a signature that does not verify
            raise ApplicationError("sm2_failed", "国密签名校验失败，请检查签章密钥", "The SM2 signature did not verify")
        cert.pdf.save(f"certificates/{cert.document.issued_on:%Y}/{cert.number}.pdf", ContentFile(pdf), save=False)
        cert.pdf_sha256, cert.sm2_signature, cert.issued_at = hashlib.sha256(pdf).hexdigest(), signature, timezone.now()
        cert.save(update_fields=["pdf", "pdf_sha256", "sm2_signature", "issued_at"])
        audit_event_record(event_type=EventType.CERTIFICATE_ISSUED, obj=cert,
                           organisation=cert.document.office_id, data={"number": cert.number})
    return True


def _can_issue(actor, document: TitleDocument) -> None:
    from zhicheng.accounts.models import Membership, Role

    if not Membership.objects.filter(user_id=getattr(actor, "pk", None), organisation_id=document.office_id,
                                     role__in=(Role.REVIEW_CLERK, Role.REVIEW_LEADER, Role.OFFICE_STAFF),
                                     is_active=True).exists():
        raise NotFound("not_found", "文件不存在或无权查看", "Document not found")


ISSUE_CHUNK = 100  # certificates per task: the worker processes share a large document (docs/operations.md)


def _chunks(ids: list[int], size: int) -> list[tuple[int, int]]:
    """(first id, last id) of each run of `size` ids, in order."""
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def certificates_issue_start(*, actor, document: TitleDocument, ip: str | None = None) -> IssueRun:
    """Queue the batch issue of a document's certificates (a rerun issues only those still missing).

    One task per chunk of `ISSUE_CHUNK` pending certificates, so every task worker process (one per core) signs
    a part of a large document at the same time; each certificate is still issued at most once (row lock)."""
    from django.conf import settings

    from .tasks import certificates_issue_task

    _can_issue(actor, document)
    size = int(getattr(settings, "ZHICHENG_CERT_ISSUE_CHUNK", ISSUE_CHUNK) or ISSUE_CHUNK)
    with transaction.atomic():
        pending = list(document.certificates.filter(issued_at__isnull=True).order_by("id").values_list("id",
                                                                                                      flat=True))
        run = IssueRun.objects.create(document=document, started_by=actor, total=len(pending))
        audit_event_record(event_type=EventType.CERTIFICATE_BATCH_STARTED, actor=actor, obj=document,
                           organisation=document.office_id, data={"run": run.pk, "pending": run.total}, ip=ip)
        # with the database backend the queued tasks are rows of this same transaction: all commit or none
        for first, last in _chunks(pending, size) or [(0, 0)]:
            certificates_issue_task.enqueue(run.pk, first, last)
    return run


def certificates_issue_run(*, run_id: int, first_id: int | None = None, last_id: int | None = None) -> IssueRun:
    """The task's body: issue the pending certificates of the run's document (those with ids in [first_id, last_id]
    when given: one chunk), counting progress as it goes. The run is finished once none of the document's
    certificates is pending, whichever chunk sees that."""
    run = IssueRun.objects.select_related("document").get(pk=run_id)
    pending = run.document.certificates.filter(issued_at__isnull=True)
    if first_id is not None and last_id is not None:
        pending = pending.filter(id__gte=first_id, id__lte=last_id)
    for cert_id in pending.order_by("id").values_list("id", flat=True):
        if certificate_issue(certificate_id=cert_id):
            IssueRun.objects.filter(pk=run.pk).update(done=F("done") + 1)
    if not run.document.certificates.filter(issued_at__isnull=True).exists():
        IssueRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(finished_at=timezone.now())
    run.refresh_from_db()
    return run


def certificate_download_record(*, actor, certificate: Certificate, ip: str | None = None) -> None:
    audit_event_record(event_type=EventType.CERTIFICATE_DOWNLOADED, actor=actor, obj=certificate,
                       data={"number": certificate.number}, ip=ip)


# -- revocation --------------------------------------------------------------------------------------------------


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str, decision_document: str, note: str = "",
                       ip: str | None = None) -> Certificate:
    """Revoke a title (§七(三)): verification says revoked at once; the holder is barred from applying for 3 years."""
    if not is_title_office_leader(actor, certificate.dossier):
        raise PermissionDenied("not_office_leader", "须由职改办的审查领导撤销职称",
                               "A review leader of the title office revokes titles")
    if reason not in RevocationReason.values:
        raise _field_error("reason", "请选择撤销原因", "Choose the reason")
    decision_document = (decision_document or "").strip()
    if not decision_document or len(decision_document) > 80:
        raise _field_error("decision_document", "请填写撤销决定文号（不超过 80 个字）",
                           "Give the number of the revocation decision (at most 80 characters)")
    locked = Certificate.objects.select_for_update().select_related("dossier", "holder").get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ApplicationError("already_revoked", "该证书已撤销", "This certificate is already revoked", status=409)
    now = timezone.now()
    locked.revoked_at, locked.revoke_reason, locked.revoke_document = now, reason, decision_document
    locked.revoke_note, locked.revoked_by = (note or "").strip()[:2000], actor
    locked.save(update_fields=["revoked_at", "revoke_reason", "revoke_document", "revoke_note", "revoked_by"])
    dossier_transition(dossier=locked.dossier, to=DossierState.REVOKED, actor=actor, ip=ip,
                       data={"certificate": locked.number, "reason": reason, "document": decision_document})
    today = timezone.localdate()
    if reason in (RevocationReason.FRAUD, RevocationReason.FALSE_PLEDGE):
        integrity_bar_record(user=locked.holder, starts_on=today, ends_on=_years_later(today, BAR_YEARS),
                             reason=str(RevocationReason(reason).label), source=decision_document, actor=actor, ip=ip)
    audit_event_record(event_type=EventType.CERTIFICATE_REVOKED, actor=actor, obj=locked,
                       data={"number": locked.number, "reason": reason, "document": decision_document}, ip=ip)
    certificate.revoked_at = locked.revoked_at
    return locked


# -- national register export --------------------------------------------------------------------------------------

REGISTER_COLUMNS = (
    ("title_code", "职称代码"), ("title", "职称名称"), ("level", "级别"), ("series", "系列"), ("specialty", "专业"),
    ("name", "姓名"), ("sex", "性别"), ("id_type", "证件类型"), ("id_number", "证件号码"), ("scope", "有效范围"),
    ("obtained_by", "取得方式"), ("committee", "评审委员会"), ("approved_on", "审批日期"),
    ("document_number", "文号"), ("number", "证书编号"), ("issuer", "发证机构"), ("status", "状态"),
)


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    data: bytes


def register_export(*, actor, office: Organisation, year: int, fmt: str = "csv", ip: str | None = None) -> Export:
    """One row per approved title of the office's documents of that year (docs/operations.md: the layout)."""
    from zhicheng.accounts.models import Membership, Role

    if not Membership.objects.filter(user_id=getattr(actor, "pk", None), organisation_id=office.pk, is_active=True,
                                     role__in=(Role.REVIEW_CLERK, Role.REVIEW_LEADER, Role.OFFICE_STAFF)).exists():
        raise NotFound("not_found", "无权导出", "Not found")
    if fmt not in ("csv", "xlsx"):
        raise _field_error("format", "格式须为 csv 或 xlsx", "The format is csv or xlsx")
    certs = Certificate.objects.filter(document__office=office, document__campaign__year=year).order_by("number")
    header = [label for _, label in REGISTER_COLUMNS]
    rows = []
    for cert in certs.iterator():
        data = dict(cert.register, status="已撤销" if cert.revoked_at else "有效",
                    id_type=str(IdType(cert.register["id_type"]).label) if cert.register.get("id_type") in
                    IdType.values else "")
        rows.append([str(data.get(key, "")) for key, _ in REGISTER_COLUMNS])
    audit_event_record(event_type=EventType.CERTIFICATE_REGISTER_EXPORTED, actor=actor, organisation=office,
                       data={"year": year, "format": fmt, "rows": len(rows)}, ip=ip)
    name = f"title-register-{year}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return Export(name, "text/csv; charset=utf-8", ("\ufeff" + out.getvalue()).encode("utf-8"))
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "职称评审结果"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return Export(name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer.getvalue())


def document_zip(*, actor, document: TitleDocument) -> bytes:
    """Every issued certificate of a document (and the document itself) in one ZIP, for the office."""
    import zipfile

    _can_issue(actor, document)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        if document.pdf:
            with default_storage.open(document.pdf.name, "rb") as fh:
                archive.writestr(f"{document.number}.pdf", fh.read())
        for cert in document.certificates.filter(issued_at__isnull=False).order_by("number"):
            with default_storage.open(cert.pdf.name, "rb") as fh:
                archive.writestr(f"{cert.number}-{cert.holder_name}.pdf", fh.read())
    audit_event_record(event_type=EventType.CERTIFICATE_DOWNLOADED, actor=actor, obj=document,
                       organisation=document.office_id, data={"zip": document.number})
    return buffer.getvalue()

