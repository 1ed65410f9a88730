"""Entering a paper's similarity result (§六(七)), one paper at a time or as the office's import file.

Each entry is one transaction with its audit row; the dossier's eligibility is re-run through the dossier
change notice, so R-PLAGIARISM reads the new value at once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.permissions import require
from zhicheng.dossiers.hooks import dossier_changed
from zhicheng.dossiers.models import Achievement, Dossier
from zhicheng.files.inspection import evidence_inspect
from zhicheng.files.storage import evidence_storage_discard, evidence_store

from .models import SimilarityResult, SimilaritySource
from .permissions import can_enter_similarity, office_of, unit_of
from .rules import percent_parse, reference_parse

MAX_REPORT_BYTES = 20 * 1024 * 1024
EVENT = EventType.ELIGIBILITY_SIMILARITY_RECORDED


def paper_get(*, dossier: Dossier, achievement_id) -> Achievement:
    paper = Achievement.objects.filter(dossier=dossier, pk=achievement_id, kind=Achievement.Kind.PAPER).first() \
        if str(achievement_id).isdigit() else None
    if paper is None:
        raise NotFound("paper_not_found", "该申报材料中没有这篇论文", "No such paper in this dossier")
    return paper


def _report_store(report: IO[bytes], claimed_name: str) -> tuple[Any, str]:
    inspected = evidence_inspect(report, claimed_name=claimed_name, max_bytes=MAX_REPORT_BYTES)
    return evidence_store(report, kind=inspected.kind), inspected.sha256


def similarity_record(*, dossier: Dossier, achievement_id, actor, percent: Any, reference_no: str = "",
                      report: IO[bytes] | None = None, report_name: str = "", ip: str | None = None
                      ) -> SimilarityResult:
    """Record (or correct) a paper's result; the office for a CNKI-indexed paper, the unit with its report
    otherwise. Everything is checked before anything is saved; a refused entry leaves no file behind."""
    paper = paper_get(dossier=dossier, achievement_id=achievement_id)
    indexed = bool(paper.cnki_indexed)
    require(can_enter_similarity(actor, dossier, cnki_indexed=indexed), "similarity_forbidden")
    value = percent_parse(percent)
    reference = reference_parse(reference_no, required=indexed)
    current = SimilarityResult.objects.filter(achievement_id=paper.pk).first()
    keeps_report = current is not None and current.source == SimilaritySource.UNIT and bool(current.report)
    if not indexed and report is None and not keeps_report:
        raise ApplicationError("similarity_report_required", "未收录论文须上传有单位签字盖章的知网查重报告单",
                               "A paper not indexed by CNKI needs the CNKI report signed and stamped by the unit")
    stored = _report_store(report, report_name or "report.pdf") if report is not None else None
    try:
        with transaction.atomic():
            return _save(dossier, paper, actor, value, reference, stored, report_name, indexed, ip)
    except BaseException:
        if stored:
            evidence_storage_discard(stored[0])
        raise


def _save(dossier, paper, actor, value: Decimal, reference: str, stored, report_name: str, indexed: bool, ip
          ) -> SimilarityResult:
    Dossier.objects.select_for_update().get(pk=dossier.pk)
    organisation = office_of(actor, dossier) if indexed else unit_of(actor, dossier)
    return similarity_store(dossier=dossier, paper=paper, actor=actor, organisation=organisation, percent=value,
                            reference_no=reference, stored=stored, report_name=report_name, ip=ip)


def similarity_store(*, dossier: Dossier, paper: Achievement, actor, organisation, percent: Decimal,
                     reference_no: str, stored: tuple[str, str] | None = None, report_name: str = "",
                     ip: str | None = None) -> SimilarityResult:
    """Write the checked result and its audit row, then announce the change (callers check permission and
    input; seed_demo calls it directly for the office's CNKI service on the demo papers)."""
    row = SimilarityResult.objects.select_for_update().filter(achievement_id=paper.pk).first()
    before = {"percent": str(row.percent), "source": row.source, "reference_no": row.reference_no} if row else None
    row = row or SimilarityResult(dossier=dossier, achievement_id=paper.pk)
    row.source = SimilaritySource.OFFICE if paper.cnki_indexed else SimilaritySource.UNIT
    row.percent, row.reference_no = percent, reference_no
    if stored:
        row.report.name, row.report_sha256, row.report_name = stored[0], stored[1], report_name[:255]
    row.entered_by, row.entered_by_organisation, row.entered_at = actor, organisation, timezone.now()
    row.save()
    audit_event_record(event_type=EVENT, actor=actor, organisation=organisation, obj=dossier, ip=ip,
                       data={"achievement": paper.pk, "source": row.source, "percent": str(percent),
                             "reference_no": reference_no, "report_sha256": row.report_sha256, "before": before})
    dossier_changed.send(sender=Dossier, dossier=dossier, actor=actor)
    return row
