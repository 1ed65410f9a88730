"""API: the applicant's dossier (target, sections, pledge, submit, withdraw), its versions and evidence files.

Every endpoint goes through the same selectors and services as the pages: a dossier the caller may not see is
a 404, a change the caller may not make a 403, a bad value a 400 naming the field. Evidence files are uploaded
and downloaded through the plain views in views_files.py (django-ninja cannot stream an upload).
"""

from __future__ import annotations

from typing import Any

from ninja import Body, Query, Router, Status
from ninja.pagination import paginate

from zhicheng.campaigns.selectors import campaign_current, campaign_get
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.http import client_ip
from zhicheng.core.pagination import Pagination

from . import selectors, services
from .models import Dossier, EvidenceFile
from .schemas import (
    DiffOut,
    DiffQuery,
    DossierDetailOut,
    DossierIn,
    DossierOut,
    EvidenceOut,
    PledgeIn,
    PledgeOut,
    SectionOut,
    TargetPatch,
    VersionDetailOut,
    VersionOut,
    WithdrawIn,
    plain_value,
)
from .sections import ROW_SECTIONS, SECTIONS, section_item_values
from .snapshot import dossier_snapshot, version_diff

router = Router(tags=["dossiers"])


def _detail(dossier: Dossier) -> dict[str, Any]:
    """The dossier with its section counts and whether a valid pledge covers its current content."""
    pledge = selectors.dossier_pledge_current(dossier)
    counts = {name: selectors.dossier_section_items(dossier, name).count() for name in ROW_SECTIONS}
    return {
        **DossierOut.from_orm(dossier).dict(),
        "withdraw_reason": dossier.withdraw_reason,
        "sections": counts,
        "identity_filled": selectors.dossier_section_items(dossier, "identity").exists(),
        "pledge": {"signed": pledge is not None, "current": PledgeOut.from_orm(pledge) if pledge else None},
        "eligibility": dossier.eligibility_status,
    }


def _row(section: str, item) -> dict[str, Any]:
    values = section_item_values(SECTIONS[section], item)
    return {"id": item.pk, **{name: plain_value(value) for name, value in values.items()}}


def _version(dossier: Dossier, number: int):
    version = selectors.dossier_versions(dossier).filter(number=number).first()
    if version is None:
        raise NotFound("not_found", f"没有第 {number} 版", f"No version {number}")
    return version


@router.get("/", response=list[DossierOut])
@paginate(Pagination, page_size=50)
def dossier_list(request):
    return selectors.dossiers_visible_to(request.auth)


@router.post("/", response={201: DossierDetailOut})
def dossier_create(request, payload: DossierIn):
    if payload.campaign_id is not None:
        campaign = campaign_get(payload.campaign_id)
    else:
        campaign = campaign_current()
        if campaign is None:
            raise ApplicationError("no_campaign", "当前没有进行中的年度评审", "No campaign is open", status=409)
    dossier = services.dossier_create(
        actor=request.auth, campaign=campaign, series=payload.series, level=payload.level,
        specialty=payload.specialty, scope=payload.scope, category=payload.category, ip=client_ip(request),
    )
    return Status(201, _detail(selectors.dossier_get_for(request.auth, dossier.pk)))


@router.get("/{dossier_id}", response=DossierDetailOut)
def dossier_detail(request, dossier_id: int):
    return _detail(selectors.dossier_get_for(request.auth, dossier_id))


@router.patch("/{dossier_id}", response=DossierDetailOut)
def dossier_target_update(request, dossier_id: int, payload: TargetPatch):
    dossier = selectors.dossier_get_for(request.auth, dossier_id)
    current = {"series": dossier.series_id, "level": dossier.level_id, "specialty": dossier.specialty_id,
               "scope": dossier.scope, "category": dossier.category}
    target = {**current, **payload.dict(exclude_unset=True)}
    services.dossier_target_update(dossier=dossier, actor=request.auth, ip=client_ip(request), **target)
    return _detail(selectors.dossier_get_for(request.auth, dossier_id))


# before "/sections/{section}", which would otherwise take the path
@router.put("/{dossier_id}/sections/identity", response=dict[str, Any])
def identity_update(request, dossier_id: int, data: Body[dict[str, Any]]):
    dossier = selectors.dossier_get_for(request.auth, dossier_id)
    item = services.identity_update(dossier=dossier, actor=request.auth, data=data, ip=client_ip(request))
    return _row("identity", item)


@router.get("/{dossier_id}/sections/{section}", response=SectionOut)
def section_detail(request, dossier_id: int, section: str):
    dossier = selectors.dossier_get_for(request.auth, dossier_id)
    items = selectors.dossier_section_items(dossier, section)
    return {"section": section, "single": SECTIONS[section].single, "items": [_row(section, i) for i in items]}


@router.post("/{dossier_id}/sections/{section}", response={201: dict[str, Any]})
def section_item_create(request, dossier_id: int, section: str, data: Body[dict[str, Any]]):
    dossier = selectors.dossier_get_for(request.auth, dossier_id)
    item = services.section_item_create(
        dossier=dossier, actor=request.auth, section=section, data=data, ip=client_ip(request)
    )
    return Status(201, _row(section, item))


@router.patch("/{dossier_id}/sections/{section}/{item_id}", response=dict[str, Any])
def section_item_update(request, dossier_id: int, section: str, item_id: int, data: Body[dict[str, Any]]):
    # the owner's own row: dossier and row read under one lock by the service; anyone else, or no such row, the
    # general path as before (404 if not visible, 403 if not editable, 404 if no such row)
    item = services.section_item_update_own(
        dossier_id=dossier_id, actor=request.auth, section=section, item_id=item_id, data=data, ip=client_ip(request)
    )
    if item is None:
        dossier = selectors.dossier_get_for(request.auth, dossier_id)
        item = services.section_item_update(
            dossier=dossier, actor=request.auth, section=section, item_id=item_id, data=data, ip=client_ip(request)
        )
    return _row(section, item)


@router.delete("/{dossier_id}/sections/{section}/{item_id}", response={204: None})
def section_item_delete(request, dossier_id: int, section: str, item_id: int):
    dossier = selectors.dossier_get_for(request.auth, dossier_id)
    services.section_item_delete(
        dossier=dossier, actor=request.auth, section=section, item_id=item_id, ip=client_ip(request)
    )
    return Status(204, None)


@router.post("/{dossier_id}/pledge", response={201: PledgeOut})
def pledge_sign(request, dossier_id: int, payload: PledgeIn):
    dossier = selectors.dossier_get_for(request.auth, dossier_id)
    pledge = services.pledge_sign(
        dossier=dossier, actor=request.auth, password=payload.password, ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return Status(201, pledge)


@router.post("/{dossier_id}/submit", response=DossierDetailOut)
def dossier_submit(request, dossier_id: int):
    dossier = selectors.dossier_get_for(request.auth, dossier_id)
    services.dossier_submit(dossier=dossier, actor=request.auth, ip=client_ip(request))
    return _detail(selectors.dossier_get_for(request.auth, dossier_id))


@router.post("/{dossier_id}/withdraw", response=DossierDetailOut)
def dossier_withdraw(request, dossier_id: int, payload: WithdrawIn):
    dossier = selectors.dossier_get_for(request.auth, dossier_id)
    services.dossier_withdraw(dossier=dossier, actor=request.auth, reason=payload.reason, password=payload.password,
                              confirmation=payload.confirmation, ip=client_ip(request))
    return _detail(selectors.dossier_get_for(request.auth, dossier_id))


@router.get("/{dossier_id}/versions", response=list[VersionOut])
def version_list(request, dossier_id: int):
    return selectors.dossier_versions(selectors.dossier_get_for(request.auth, dossier_id))


@router.get("/{dossier_id}/versions/{number}", response=VersionDetailOut)
def version_detail(request, dossier_id: int, number: int):
    return _version(selectors.dossier_get_for(request.auth, dossier_id), number)


@router.get("/{dossier_id}/diff", response=DiffOut)
def version_compare(request, dossier_id: int, query: Query[DiffQuery]):
    """What changed from version `from` to version `to` (or, without `to`, to the dossier as it is now)."""
    dossier = selectors.dossier_get_for(request.auth, dossier_id)
    before = _version(dossier, query.from_version).snapshot
    after = _version(dossier, query.to_version).snapshot if query.to_version is not None else dossier_snapshot(dossier)
    return {"from_version": query.from_version, "to_version": query.to_version, "changes": version_diff(before, after)}


@router.get("/{dossier_id}/evidence", response=list[EvidenceOut])
def evidence_list(request, dossier_id: int):
    dossier = selectors.dossier_get_for(request.auth, dossier_id)
    return EvidenceFile.objects.filter(dossier=dossier, deleted_at__isnull=True).order_by("id")
