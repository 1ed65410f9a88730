"""API: import status and errors (the office), the social-security checks (each reviewer's own dossiers).

The upload itself is the plain view `POST /socialsecurity/imports/upload/` (multipart `file`, optional
`campaign`; session or bearer token), because ninja reads files before an endpoint could stream them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.paginator import Paginator
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from zhicheng.core.pagination import MAX_PAGE, Pagination

from .selectors import FILTERS, check_for_dossier, checks_visible_to, import_get_for, imports_for

router = Router(tags=["social security"])
ERRORS_PAGE_SIZE = 100


class ImportOut(Schema):
    id: int
    campaign_id: int
    original_name: str
    size: int
    status: str
    file_format: str
    uploaded_by_id: int
    uploaded_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rows_total: int
    rows_ok: int
    rows_bad: int
    errors_kept: int
    dossiers_matched: int
    failure: str

    @staticmethod
    def resolve_errors_kept(obj) -> int:
        return len(obj.errors)

    @staticmethod
    def resolve_failure(obj) -> str:
        from django.utils.translation import get_language

        return obj.failure_en if (get_language() or "").startswith("en") else obj.failure_zh


class RowErrorOut(Schema):
    line: int
    field: str
    message_zh: str
    message_en: str


class ErrorsPage(Schema):
    count: int  # rows with errors in the file; only the first ERRORS_KEPT messages are kept
    kept: int
    page: int
    pages: int
    items: list[RowErrorOut]


class CheckOut(Schema):
    id: int
    dossier_id: int
    applicant_name: str
    organisation_id: int
    organisation_name: str
    import_id: int
    socsec_ok: bool
    bureau_months: int
    mismatch_count: int
    mismatches: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    checked_at: datetime

    @staticmethod
    def resolve_applicant_name(obj) -> str:
        return obj.dossier.applicant.real_name or obj.dossier.applicant.username

    @staticmethod
    def resolve_organisation_id(obj) -> int:
        return obj.dossier.organisation_id

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.dossier.organisation.name

    @staticmethod
    def resolve_import_id(obj) -> int:
        return obj.contribution_import_id


@router.get("/imports", response=list[ImportOut])
@paginate(Pagination, page_size=50)
def import_list(request, campaign: int | None = None):
    return imports_for(request.auth, campaign_id=campaign)


@router.get("/imports/{import_id}", response=ImportOut, url_name="socsec_import")
def import_detail(request, import_id: int):
    """Status and progress: rows read so far, good and bad, and the matched dossiers once done."""
    return import_get_for(request.auth, import_id)


@router.get("/imports/{import_id}/errors", response=ErrorsPage)
def import_errors(request, import_id: int, page: int = Query(1, ge=1, le=MAX_PAGE)):
    row = import_get_for(request.auth, import_id)
    pages = Paginator(row.errors, ERRORS_PAGE_SIZE)
    current = pages.get_page(page)
    return {"count": row.rows_bad, "kept": len(row.errors), "page": current.number, "pages": pages.num_pages,
            "items": list(current.object_list)}


@router.get("/checks", response=list[CheckOut])
@paginate(Pagination, page_size=50)
def check_list(request, only: str = "", campaign: int | None = None):
    """Current checks; `only=mismatch` (a month differs) or `only=failing` (R-SOCSEC fails on the bureau's months)."""
    return checks_visible_to(request.auth, campaign_id=campaign, only=only if only in FILTERS else "")


@router.get("/dossiers/{dossier_id}/check", response={200: CheckOut, 204: None})
def dossier_check(request, dossier_id: int):
    check = check_for_dossier(request.auth, dossier_id)
    if check is None:
        return 204, None
    return check
