"""API: a dossier's papers with their similarity results; the office enters or imports them (§六(七)).

The unit's entry needs its stamped report file, so it is the page's upload (a plain Django view, decision 21).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import File, Router, Schema
from ninja.files import UploadedFile

from zhicheng.core.http import client_ip
from zhicheng.dossiers.selectors import dossier_get_for

from .imports import similarity_import
from .selectors import dossier_papers
from .services import similarity_record

router = Router(tags=["similarity"])


class ResultOut(Schema):
    source: str
    percent: Decimal
    reference_no: str
    has_report: bool
    entered_by_name: str
    entered_by_organisation: str
    entered_at: datetime


class PaperOut(Schema):
    paper_id: int
    title: str
    journal: str
    tier: str
    cnki_indexed: bool | None
    result: ResultOut | None


class OfficeResultIn(Schema):
    percent: str
    reference_no: str = ""


class ImportOut(Schema):
    recorded: int


def _result(r) -> dict | None:
    if r is None:
        return None
    return {"source": r.source, "percent": r.percent, "reference_no": r.reference_no, "has_report": bool(r.report),
            "entered_by_name": r.entered_by.real_name or r.entered_by.username,
            "entered_by_organisation": r.entered_by_organisation.name, "entered_at": r.entered_at}


def _papers(dossier) -> list[dict]:
    return [{"paper_id": p.pk, "title": p.title, "journal": p.journal, "tier": p.tier, "cnki_indexed": p.cnki_indexed,
             "result": _result(r)} for p, r in dossier_papers(dossier)]


@router.get("/dossiers/{dossier_id}/similarity", response=list[PaperOut])
def paper_list(request, dossier_id: int):
    return _papers(dossier_get_for(request.auth, dossier_id))


@router.put("/dossiers/{dossier_id}/similarity/{paper_id}", response=list[PaperOut])
def office_result_put(request, dossier_id: int, paper_id: int, payload: OfficeResultIn):
    """The office's result for a CNKI-indexed paper (percentage as text, so "12.345" is refused, not rounded)."""
    dossier = dossier_get_for(request.auth, dossier_id)
    similarity_record(dossier=dossier, achievement_id=paper_id, actor=request.auth, percent=payload.percent,
                      reference_no=payload.reference_no, ip=client_ip(request))
    return _papers(dossier)


@router.post("/similarity/imports", response=ImportOut)
def office_import(request, file: UploadedFile = File(...)):  # noqa: B008 - ninja's declaration style
    return {"recorded": similarity_import(actor=request.auth, upload=file.file, ip=client_ip(request))}
