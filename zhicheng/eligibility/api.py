"""API: a dossier's eligibility findings, reviewers' overrides, the applicant's exemption declarations.

The same selectors and services as the pages: a dossier the caller may not see is a 404, an action the caller
may not take a 403, a missing reason a 400 with a Chinese message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Router, Schema, Status

from zhicheng.core.errors import NotFound
from zhicheng.core.http import client_ip
from zhicheng.dossiers.selectors import dossier_get_for

from . import services
from .models import ExemptionDeclaration, FindingOverride
from .selectors import eligibility_overview
from .wording import finding_in_words

router = Router(tags=["eligibility"])


class OverrideOut(Schema):
    id: int
    rule: str
    subject: str
    reason: str
    by_id: int
    by_name: str
    at: datetime
    revoked_at: datetime | None
    revoked_by_id: int | None

    @staticmethod
    def resolve_by_name(obj) -> str:
        return obj.by.real_name or obj.by.username


class ExemptionOut(Schema):
    id: int
    rule: str
    subject: str
    statement: str
    state: str
    declared_at: datetime
    decided_by_id: int | None
    decided_at: datetime | None
    note: str


class FindingOut(Schema):
    rule: str
    subject: str
    severity: str
    ok: bool
    blocking: bool
    incomplete: bool
    missing: list[str]
    rule_name: str  # the rule's title in the request's language (the checklist's words)
    todo: list[str]  # per missing fact: what it is and what to do
    message_zh: str
    message_en: str
    clause: str
    facts_used: dict[str, Any]
    overridden: bool
    override: OverrideOut | None
    exemption: ExemptionOut | None
    unresolved: bool


class EligibilityOut(Schema):
    dossier_id: int
    check_id: int
    computed_at: datetime
    dossier_revision: int
    current_revision: int
    is_current: bool
    version_number: int | None
    blocking_count: int
    unresolved_count: int
    findings: list[FindingOut]
    overrides: list[OverrideOut]


class OverrideIn(Schema):
    rule: str
    subject: str = ""
    reason: str = ""


class ExemptionIn(Schema):
    rule: str
    subject: str = ""
    statement: str = ""


class DecisionIn(Schema):
    note: str = ""


def _overview(request, dossier_id: int) -> dict[str, Any]:
    dossier = dossier_get_for(request.auth, dossier_id)
    view = eligibility_overview(dossier, services.eligibility_current(dossier=dossier))
    check = view["check"]
    return {
        "dossier_id": dossier.pk, "check_id": check.pk, "computed_at": check.computed_at,
        "dossier_revision": check.dossier_revision, "current_revision": dossier.revision,
        "is_current": view["is_current"], "version_number": check.version.number if check.version_id else None,
        "blocking_count": check.blocking_count, "unresolved_count": view["unresolved_count"],
        "findings": [{**finding_in_words(f), "subject": f.get("subject") or "", "overridden": f["override"] is not None}
                     for f in view["findings"]],
        "overrides": view["overrides"],
    }


@router.get("/dossiers/{dossier_id}/eligibility", response=EligibilityOut)
def eligibility_detail(request, dossier_id: int):
    return _overview(request, dossier_id)


@router.post("/dossiers/{dossier_id}/eligibility/overrides", response={201: OverrideOut})
def finding_override(request, dossier_id: int, payload: OverrideIn):
    dossier = dossier_get_for(request.auth, dossier_id)
    override = services.finding_override(dossier=dossier, rule=payload.rule, subject=payload.subject,
                                         reason=payload.reason, actor=request.auth, ip=client_ip(request))
    return Status(201, override)


def _owned(model, dossier, pk: int):
    obj = model.objects.filter(dossier=dossier, pk=pk).select_related("dossier").first()
    if obj is None:
        raise NotFound("not_found", "记录不存在", "Not found")
    return obj


@router.post("/dossiers/{dossier_id}/eligibility/overrides/{override_id}/revoke", response=OverrideOut)
def override_revoke(request, dossier_id: int, override_id: int):
    dossier = dossier_get_for(request.auth, dossier_id)
    override = _owned(FindingOverride, dossier, override_id)
    return services.override_revoke(override=override, actor=request.auth, ip=client_ip(request))


@router.post("/dossiers/{dossier_id}/eligibility/exemptions", response={201: ExemptionOut})
def exemption_declare(request, dossier_id: int, payload: ExemptionIn):
    dossier = dossier_get_for(request.auth, dossier_id)
    declaration = services.exemption_declare(dossier=dossier, rule=payload.rule, subject=payload.subject,
                                             statement=payload.statement, actor=request.auth, ip=client_ip(request))
    return Status(201, declaration)


@router.post("/dossiers/{dossier_id}/eligibility/exemptions/{declaration_id}/confirm", response=ExemptionOut)
def exemption_confirm(request, dossier_id: int, declaration_id: int, payload: DecisionIn):
    declaration = _owned(ExemptionDeclaration, dossier_get_for(request.auth, dossier_id), declaration_id)
    return services.exemption_confirm(declaration=declaration, actor=request.auth, note=payload.note,
                                      ip=client_ip(request))


@router.post("/dossiers/{dossier_id}/eligibility/exemptions/{declaration_id}/refuse", response=ExemptionOut)
def exemption_refuse(request, dossier_id: int, declaration_id: int, payload: DecisionIn):
    declaration = _owned(ExemptionDeclaration, dossier_get_for(request.auth, dossier_id), declaration_id)
    return services.exemption_refuse(declaration=declaration, actor=request.auth, note=payload.note,
                                     ip=client_ip(request))
