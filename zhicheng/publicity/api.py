"""API: staff publish/close/decide (same checks as the pages), and the public list, objection and code lookup.

The public endpoints take no authentication and return only the public face of a candidate (name, unit, series,
level, title, specialty, category, period). An objection's optional file is accepted on the public page only
(`/public/publicity/<entry>/objection/`), which streams it with the evidence upload handler (decision 21).
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from zhicheng.core.errors import NotFound
from zhicheng.core.http import PUBLIC_MAX_AGE, client_ip
from zhicheng.core.pagination import Pagination

from . import selectors, services

router = Router(tags=["publicity"])
public_router = Router(tags=["public"], auth=None)


class PublicEntryOut(Schema):
    entry_id: int
    name: str
    unit: str
    series: str
    level: str
    title: str
    specialty: str
    category: str
    starts_on: dt.date
    ends_on: dt.date
    extended: bool
    scope: str


class PublicResultOut(PublicEntryOut):
    validity_scope: str  # the title's 有效范围


class ObjectionIn(Schema):
    name: str
    contact: str
    text: str


class ObjectionFiledOut(Schema):
    code: str
    status: str
    filed_at: dt.datetime


class ObjectionPublicOut(Schema):
    status: str
    status_label: str
    outcome: str
    filed_at: dt.datetime
    decided_at: dt.datetime | None
    candidate: str
    unit: str


@public_router.get("/publicity/", response=list[PublicEntryOut])
@paginate(Pagination, page_size=50)
def public_publicity_list(request):
    """Candidates in unit publicity now (or ended in the last days); no ID numbers, phones or files."""
    return _PublicRows(selectors.public_entries(), "unit")


@public_router.get("/publicity/results/", response=list[PublicResultOut])
@paginate(Pagination, page_size=50)
def public_result_list(request):
    """Evaluation results in publicity now (or ended in the last days): name, unit, series, specialty, title,
    scope and the exact period; never ID or phone numbers."""
    return _PublicRows(selectors.public_entries(kind="result"), "result")


@public_router.post("/publicity/{entry_id}/objections", response={201: ObjectionFiledOut})
def public_objection_file(request, entry_id: int, payload: ObjectionIn):
    """File an objection during the period; the answer's code is shown this once (keep it to see the outcome)."""
    entry = selectors.public_entry_get(entry_id)
    objection, code = services.objection_file(
        entry=entry, name=payload.name, contact=payload.contact, text=payload.text, ip=client_ip(request)
    )
    return Status(201, {"code": code, "status": objection.status, "filed_at": objection.filed_at})


# codes are ~2^59 and only hashed; the throttle (shared with the lookup page) still makes guessing slow and noisy
@public_router.get("/objections/{code}", response=ObjectionPublicOut, throttle=[selectors.objection_lookup_throttle()])
def public_objection_lookup(request, code: str):
    """The status and outcome of an objection, by its code."""
    return _public_objection(selectors.objection_by_code(code))


class _PublicRows:
    """A queryset that pagination slices and that yields public rows (never model objects with private fields).

    The count and each page are kept for the public max-age (as the list page is, core.http.public_cacheable): the
    list joins every running entry (2 s for the count alone at 1 M dossiers), and it is the same for everyone."""

    def __init__(self, qs, kind: str) -> None:
        self.qs = qs
        self.key = f"zc-public-api:{kind}:{timezone.localdate()}:{get_language()}"

    def count(self) -> int:
        return cache.get_or_set(f"{self.key}:count", self.qs.count, PUBLIC_MAX_AGE)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        def rows():
            return [selectors.public_row(e).__dict__ for e in self.qs[item]]

        if not isinstance(item, slice):
            return rows()
        return cache.get_or_set(f"{self.key}:{item.start}:{item.stop}", rows, PUBLIC_MAX_AGE)


def _public_objection(objection) -> dict:
    dossier = objection.entry.dossier
    return {
        "status": objection.status, "status_label": str(objection.get_status_display()), "outcome": objection.outcome,
        "filed_at": objection.filed_at, "decided_at": objection.decided_at,
        "candidate": dossier.applicant.real_name or "", "unit": dossier.organisation.name,
    }


# -- staff ---------------------------------------------------------------------------------------------------------


class CandidateOut(Schema):
    id: int
    applicant: str
    series: str
    level: str
    category: str
    scope: str
    state_changed_at: dt.datetime | None

    @staticmethod
    def resolve_applicant(obj):
        return obj.applicant.real_name

    @staticmethod
    def resolve_series(obj):
        return obj.series.name

    @staticmethod
    def resolve_level(obj):
        return obj.level.name


class BatchOut(Schema):
    id: int
    organisation_id: int
    campaign_id: int
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    length: int
    length_unit: str
    published_at: dt.datetime
    closed_at: dt.datetime | None


class PublishIn(Schema):
    dossier_ids: list[int]
    starts_on: dt.date
    preview: bool = False


class SkippedOut(Schema):
    dossier: int
    code: str
    message: str


class PlannedOut(Schema):
    dossier: int
    kind: str
    ends_on: dt.date


class PublishOut(Schema):
    batches: list[BatchOut]
    published: list[int]
    planned: list[PlannedOut]
    skipped: list[SkippedOut]


class CloseOut(Schema):
    batch: BatchOut
    closed: list[int]
    paused: list[int]


class ObjectionOut(Schema):
    id: int
    entry_id: int
    dossier_id: int
    objector_name: str
    contact: str
    text: str
    has_file: bool
    filed_at: dt.datetime
    status: str
    outcome: str
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_dossier_id(obj):
        return obj.entry.dossier_id

    @staticmethod
    def resolve_has_file(obj):
        return bool(obj.file)


class DecideIn(Schema):
    outcome: str
    note: str


def _skipped(items) -> list[dict]:
    return [{"dossier": i.dossier.pk, "code": i.refusal.code, "message": i.refusal.message} for i in items]


@router.get("/candidates/", response=list[CandidateOut])
@paginate(Pagination, page_size=50)
def publicity_candidates(request):
    """Your organisations' dossiers that passed unit review and wait for publicity."""
    return selectors.publicity_candidates_for(request.auth)


@router.post("/batches/", response={200: PublishOut, 201: PublishOut})
def publicity_publish(request, payload: PublishIn):
    """Publish dossiers for unit publicity (`preview`: only say what would happen); one failure skips one dossier."""
    dossiers = selectors.publicity_dossiers_for(request.auth, payload.dossier_ids)
    if not dossiers:
        raise NotFound("not_found", "申报材料不存在或无权办理", "Dossier not found")
    missing = [i for i in payload.dossier_ids if i not in {d.pk for d in dossiers}]
    absent = [{"dossier": i, "code": "not_found", "message": "申报材料不存在或无权办理"} for i in missing]
    if payload.preview:
        plan = services.publicity_plan(actor=request.auth, dossiers=dossiers, starts_on=payload.starts_on)
        planned = [{"dossier": i.dossier.pk, "kind": i.kind, "ends_on": i.ends_on} for i in plan.ready]
        skipped = _skipped(plan.skipped) + absent
        return Status(200, {"batches": [], "published": [], "planned": planned, "skipped": skipped})
    result = services.publicity_publish(
        actor=request.auth, dossiers=dossiers, starts_on=payload.starts_on, ip=client_ip(request)
    )
    return Status(201, {"batches": result.batches, "published": [d.pk for d in result.published], "planned": [],
                        "skipped": _skipped(result.skipped) + absent})


@router.get("/batches/", response=list[BatchOut])
@paginate(Pagination, page_size=50)
def publicity_batches(request):
    """Your organisations' publicity batches, newest first."""
    return selectors.publicity_batches_for(request.auth)


@router.post("/batches/{batch_id}/close", response=CloseOut)
def publicity_close(request, batch_id: int):
    """End the publicity of every entry without an open objection; refused before the period has fully passed."""
    batch = selectors.publicity_batch_get_for(request.auth, batch_id)
    result = services.publicity_close(actor=request.auth, batch=batch, ip=client_ip(request))
    return {"batch": result.batch, "closed": [e.dossier_id for e in result.closed],
            "paused": [e.dossier_id for e in result.paused]}


@router.get("/objections/", response=list[ObjectionOut])
@paginate(Pagination, page_size=50)
def publicity_objections(request, status: str | None = None):
    """Objections to your organisations' publicity, open ones first."""
    return selectors.objections_for(request.auth, status=status)


@router.post("/objections/{objection_id}/decide", response=ObjectionOut)
def publicity_objection_decide(request, objection_id: int, payload: DecideIn):
    """Record an objection's outcome: upheld stops the dossier (not recommended), dismissed lets it continue."""
    objection = selectors.objection_get_for(request.auth, objection_id)
    return services.objection_decide(
        objection=objection, actor=request.auth, outcome=payload.outcome, note=payload.note, ip=client_ip(request)
    )


# -- result publicity (the title office) -----------------------------------------------------------------------


class ResultPublishIn(Schema):
    dossier_ids: list[int]
    starts_on: dt.date
    preview: bool = False


@router.get("/results/candidates/", response=list[CandidateOut])
@paginate(Pagination, page_size=50)
def result_candidates(request):
    """Passed evaluation results your office holds, waiting for result publicity."""
    return selectors.result_candidates_for(request.auth)


@router.post("/results/", response={200: PublishOut, 201: PublishOut})
def result_publish(request, payload: ResultPublishIn):
    """Publish passed results for 5 working days (`preview`: only the end dates); one failure skips one dossier."""
    dossiers = selectors.result_dossiers_for(request.auth, payload.dossier_ids)
    if not dossiers:
        raise NotFound("not_found", "申报材料不存在或无权办理", "Dossier not found")
    missing = [i for i in payload.dossier_ids if i not in {d.pk for d in dossiers}]
    absent = [{"dossier": i, "code": "not_found", "message": "申报材料不存在或无权办理"} for i in missing]
    if payload.preview:
        plan = services.result_publicity_plan(actor=request.auth, dossiers=dossiers, starts_on=payload.starts_on)
        planned = [{"dossier": i.dossier.pk, "kind": i.kind, "ends_on": i.ends_on} for i in plan if not i.refusal]
        skipped = _skipped([i for i in plan if i.refusal]) + absent
        return Status(200, {"batches": [], "published": [], "planned": planned, "skipped": skipped})
    result = services.result_publicity_publish(actor=request.auth, dossiers=dossiers, starts_on=payload.starts_on,
                                               ip=client_ip(request))
    return Status(201, {"batches": result.batches, "published": [d.pk for d in result.published], "planned": [],
                        "skipped": _skipped(result.skipped) + absent})
