"""API shapes for dossiers: the target, sections as plain rows, pledges, versions and evidence files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from .models import Category, ValidityScope


def plain_value(value: Any) -> Any:
    """A section value as JSON gives it: related rows by id (dates and decimals are encoded by ninja)."""
    return getattr(value, "pk", value)


class DossierOut(Schema):
    id: int
    campaign_id: int
    applicant_id: int
    organisation_id: int
    series_id: int
    level_id: int
    specialty_id: int | None
    scope: str
    category: str
    route: str
    state: str
    revision: int
    content_changed_at: datetime | None
    submitted_at: datetime | None
    withdrawn_at: datetime | None
    created_at: datetime


class PledgeOut(Schema):
    id: int
    signed_at: datetime
    revision: int
    snapshot_sha256: str


class PledgeStatusOut(Schema):
    signed: bool
    current: PledgeOut | None = None


class DossierDetailOut(DossierOut):
    withdraw_reason: str
    sections: dict[str, int]
    identity_filled: bool
    pledge: PledgeStatusOut
    eligibility: str = "not_checked"  # models.EligibilityStatus


class DossierIn(Schema):
    campaign_id: int | None = None
    series: int | str
    level: int | str
    specialty: int | None = None
    scope: str = ValidityScope.PROVINCE.value
    category: str = Category.NORMAL.value


class TargetPatch(Schema):
    series: int | str | None = None
    level: int | str | None = None
    specialty: int | None = None
    scope: str | None = None
    category: str | None = None


class SectionOut(Schema):
    section: str
    single: bool
    items: list[dict[str, Any]]


class PledgeIn(Schema):
    password: str


class WithdrawIn(Schema):
    reason: str = ""
    password: str = ""  # after the window closed: the login password and the typed confirmation
    confirmation: str = ""


class VersionOut(Schema):
    number: int
    sha256: str
    file_hashes: list[str]
    pledge_id: int | None
    created_at: datetime


class VersionDetailOut(VersionOut):
    snapshot: dict[str, Any]


class DiffQuery(Schema):
    from_version: int = Field(..., alias="from")
    to_version: int | None = Field(None, alias="to")


class DiffOut(Schema):
    from_version: int
    to_version: int | None
    changes: list[dict[str, Any]]


class EvidenceOut(Schema):
    id: int
    section: str
    item_id: int | None
    kind: str
    original_name: str
    size: int
    sha256: str
    page_count: int | None
    width: int | None
    height: int | None
    uploaded_at: datetime
    download_url: str
    preview_url: str

    @staticmethod
    def resolve_download_url(obj) -> str:
        return reverse("evidence:download", args=[obj.pk])

    @staticmethod
    def resolve_preview_url(obj) -> str:
        return reverse("evidence:preview", args=[obj.pk])
