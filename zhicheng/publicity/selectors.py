"""Reading publicity: the staff's batches, candidates and objections, and the public list (no private fields)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from zhicheng.campaigns.models import PublicityKind
from zhicheng.catalog.models import TitleName
from zhicheng.core.errors import NotFound
from zhicheng.core.throttling import ClientAddressThrottle
from zhicheng.dossiers.models import Dossier, DossierState

from .models import EntryKind, Objection, PublicityBatch, PublicityEntry
from .permissions import publicity_organisation_ids
from .rules import PUBLIC_AFTER_DAYS, code_normalise, publicity_scope

_DOSSIER_RELATED = ("dossier__applicant", "dossier__organisation", "dossier__series", "dossier__level",
                    "dossier__specialty")


def publicity_candidates_for(user) -> QuerySet[Dossier]:
    """Dossiers that passed unit review and wait for publicity, in the user's organisations."""
    return (
        Dossier.objects.filter(state=DossierState.UNIT_PASSED, organisation_id__in=publicity_organisation_ids(user))
        .select_related("applicant", "organisation", "series", "level", "specialty", "campaign")
        .order_by("state_changed_at", "id")
    )


def publicity_dossiers_for(user, dossier_ids) -> list[Dossier]:
    """The dossiers among these ids that belong to the user's organisations (any state), in the given order."""
    found = Dossier.objects.filter(pk__in=list(dossier_ids), organisation_id__in=publicity_organisation_ids(user))
    by_id = {d.pk: d for d in found.select_related("organisation", "campaign")}
    return [by_id[i] for i in dict.fromkeys(dossier_ids) if i in by_id]


def result_candidates_for(user) -> QuerySet[Dossier]:
    """Passed evaluation results held by the user's office, waiting for result publicity."""
    return (
        Dossier.objects.filter(state=DossierState.PASSED, held_by_id__in=publicity_organisation_ids(user))
        .select_related("applicant", "organisation", "series", "level", "specialty", "campaign")
        .order_by("state_changed_at", "id")
    )


def result_dossiers_for(user, dossier_ids) -> list[Dossier]:
    """The dossiers among these ids held by the user's office (any state), in the given order."""
    found = Dossier.objects.filter(pk__in=list(dossier_ids), held_by_id__in=publicity_organisation_ids(user))
    by_id = {d.pk: d for d in found.select_related("organisation", "campaign")}
    return [by_id[i] for i in dict.fromkeys(dossier_ids) if i in by_id]


def publicity_batches_for(user) -> QuerySet[PublicityBatch]:
    """The user's organisations' batches, newest first, with their entry and open-objection counts."""
    return (
        PublicityBatch.objects.filter(organisation_id__in=publicity_organisation_ids(user))
        .select_related("organisation", "campaign", "published_by", "closed_by")
        .annotate(
            entry_count=Count("entries", distinct=True),
            open_objections=Count("entries__objections", filter=Q(entries__objections__status="open"), distinct=True),
        )
        .order_by("-starts_on", "-id")
    )


def publicity_batch_get_for(user, batch_id: int) -> PublicityBatch:
    batch = publicity_batches_for(user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("not_found", "公示批次不存在或无权查看", "Publicity batch not found")
    return batch


def publicity_entries_of(batch: PublicityBatch) -> QuerySet[PublicityEntry]:
    return (
        PublicityEntry.objects.filter(batch=batch)
        .select_related(*_DOSSIER_RELATED)
        .annotate(open_objections=Count("objections", filter=Q(objections__status="open")))
        .order_by("id")
    )


def objections_for(user, *, status: str | None = None) -> QuerySet[Objection]:
    """Objections to the user's organisations' publicity, open ones first."""
    qs = Objection.objects.filter(entry__batch__organisation_id__in=publicity_organisation_ids(user))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("entry__batch", "decided_by", *[f"entry__{name}" for name in _DOSSIER_RELATED]).order_by(
        "-status", "-filed_at", "-id"  # "open" sorts after "dismissed"/"upheld": descending puts it first
    )


def objection_get_for(user, objection_id: int) -> Objection:
    objection = objections_for(user).filter(pk=objection_id).first()
    if objection is None:
        raise NotFound("not_found", "异议不存在或无权查看", "Objection not found")
    return objection


# -- the public side -------------------------------------------------------------------------------------------


def _public_entries(today: dt.date, kind: str) -> QuerySet[PublicityEntry]:
    return PublicityEntry.objects.filter(
        kind=kind, batch__starts_on__lte=today, batch__ends_on__gte=today - dt.timedelta(days=PUBLIC_AFTER_DAYS)
    ).exclude(dossier__state__in=(DossierState.NOT_RECOMMENDED, DossierState.RESULT_OBJECTION_UPHELD))


def public_entries(today: dt.date | None = None, *, kind: str = EntryKind.UNIT) -> QuerySet[PublicityEntry]:
    """Entries of publicity (unit or result) running today or ended in the last PUBLIC_AFTER_DAYS days, per unit,
    with title names."""
    today = today or timezone.localdate()
    title = TitleName.objects.filter(series_id=OuterRef("dossier__series_id"), level_id=OuterRef("dossier__level_id"))
    return (
        _public_entries(today, kind).select_related("batch", *_DOSSIER_RELATED)
        .annotate(title_name=Subquery(title.values("name")[:1]))
        .order_by("dossier__organisation__name", "batch_id", "id")
    )


def public_entry_get(entry_id: int, today: dt.date | None = None) -> PublicityEntry:
    entry = (public_entries(today, kind=EntryKind.UNIT) | public_entries(today, kind=EntryKind.RESULT)).filter(
        pk=entry_id).first()
    if entry is None:
        raise NotFound("not_found", "公示信息不存在或已过期", "No such publicity entry")
    return entry


@dataclass(frozen=True)
class PublicRow:
    """What the public may see of a candidate: never ID numbers, phone numbers or files."""

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
    extended: bool = False
    scope: str = ""  # the publicity's scope (who must see it; wider for 破格 and 基层有效)
    scope_en: str = ""
    validity_scope: str = ""  # the title's 有效范围 (全省有效 …)


def public_row(entry: PublicityEntry) -> PublicRow:
    """The public face of an entry from `public_entries` (its title name annotated)."""
    d, batch = entry.dossier, entry.batch
    extended = batch.kind == PublicityKind.EXTENDED
    scope, scope_en = publicity_scope(extended=extended, length=batch.length,
                                      unit_label=str(batch.get_length_unit_display()))
    return PublicRow(
        entry_id=entry.pk, name=d.applicant.real_name or "", unit=d.organisation.name, series=d.series.name,
        level=d.level.name, title=getattr(entry, "title_name", None) or d.level.name,
        specialty=d.specialty.name if d.specialty_id else "", category=str(d.get_category_display()),
        starts_on=entry.batch.starts_on, ends_on=entry.batch.ends_on,
        extended=extended, scope=scope, scope_en=scope_en, validity_scope=str(d.get_scope_display()),
    )


def objection_code_hash(code: str) -> str:
    return hashlib.sha256(code_normalise(code).encode()).hexdigest()


# One budget per address for the page and the API together, so alternating between them gains nothing
OBJECTION_LOOKUP_RATE = "60/m"


def objection_lookup_throttle() -> ClientAddressThrottle:
    """The throttle on looking up an objection by its code (a guessing target), keyed by the trusted address."""
    return ClientAddressThrottle(OBJECTION_LOOKUP_RATE, scope="objection_lookup")


def objection_by_code(code: str) -> Objection:
    """The objection whose lookup code this is (only its hash is stored)."""
    objection = (
        Objection.objects.select_related("entry__batch", *[f"entry__{n}" for n in _DOSSIER_RELATED])
        .filter(code_hash=objection_code_hash(code)).first()
        if code_normalise(code) else None
    )
    if objection is None:
        raise NotFound("objection_code_unknown", "查询码不正确，请核对后重新输入", "No objection has this code")
    return objection

