"""Reading dossiers: what a user may see, one dossier for a user, its sections, pledges and versions."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from zhicheng.accounts.models import Organisation, Role
from zhicheng.accounts.selectors import user_active_roles
from zhicheng.core.access import access_denied, access_read
from zhicheng.core.errors import NotFound

from .hooks import DETAIL_READS
from .models import Dossier, DossierState, DossierStateChange, DossierVersion, EvidenceFile, PledgeSignature
from .permissions import can_view_dossier, reviewing_organisation_ids
from .sections import SECTIONS
from .snapshot import dossier_person, dossier_snapshot, snapshot_canonical, snapshot_sha256, snapshot_target

_MAX_TREE_DEPTH = 6


def _with_related(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return qs.select_related(
        "applicant", "campaign", "organisation", "organisation__parent", "series", "level", "specialty"
    )


def _subtree_ids(roots: set[int]) -> set[int]:
    """The organisations and everything below them (the tree is a few levels deep)."""
    ids, frontier = set(roots), set(roots)
    for _ in range(_MAX_TREE_DEPTH):
        frontier = set(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        if not frontier:
            break
        ids |= frontier
    return ids


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    """The same answer as permissions.can_view_dossier, as a query."""
    qs = _with_related(Dossier.objects.all())
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if Role.DISCIPLINE_OBSERVER in user_active_roles(user):
        return qs
    reviewed = _subtree_ids(reviewing_organisation_ids(user))
    return qs.filter(Q(applicant_id=user.pk) | Q(submitted_at__isnull=False, organisation_id__in=reviewed))


def dossier_get_for(user, pk, *, page: bool = False) -> Dossier:
    """The dossier if the user may see it; otherwise NotFound, with no hint that it exists.

    Staff reads and every refusal are noted for the request's audit row; an applicant's own reads are not.
    `page`: for the dossier's page, which also takes in this one read what the panels of the apps above register
    (hooks.DETAIL_READS) and the number of its latest version; never for a write path.
    """
    # one read: the row by its key, then the visibility rule on it (can_view_dossier, the same answer as
    # dossiers_visible_to), walking up from its organisation (joined with its parent) only until a body the user
    # reviews: no query for the organisations below the user's, as the list's filter needs (issue 11's budget)
    dossier = None
    if str(pk).isdigit():
        qs = _with_related(Dossier.objects.filter(pk=pk))
        if page:
            qs = qs.annotate(zc_latest_version=Subquery(
                DossierVersion.objects.filter(dossier=OuterRef("pk")).order_by("-number").values("number")[:1]))
            for read in DETAIL_READS:
                qs = read(qs, user)
        dossier = qs.first()
    if dossier is not None and not can_view_dossier(user, dossier):
        dossier = None
    if dossier is None:
        if getattr(user, "is_authenticated", False):
            access_denied(user, reason="dossier not visible", object_type="dossiers.dossier", object_id=str(pk)[:64])
        raise NotFound("not_found", "申报材料不存在或无权查看", "Dossier not found")
    if dossier.applicant_id != user.pk:
        access_read(user, dossier, organisation_id=dossier.organisation_id)
    return dossier


def dossier_active_for(applicant, campaign) -> Dossier | None:
    """The applicant's dossier in the campaign that is not withdrawn, if any."""
    return (
        _with_related(Dossier.objects.filter(applicant=applicant, campaign=campaign))
        .exclude(state=DossierState.WITHDRAWN)
        .first()
    )


def dossier_withdrawn_for(applicant, campaign) -> Dossier | None:
    """The applicant's dossier withdrawn (after the window closed) in the campaign, if any."""
    return (_with_related(Dossier.objects.filter(applicant=applicant, campaign=campaign,
                                                 state=DossierState.WITHDRAWN)).order_by("-id").first())


def dossier_versions(dossier: Dossier) -> QuerySet[DossierVersion]:
    return dossier.versions.order_by("number")


VERSIONS_SECONDS = 600


def dossier_versions_listed(dossier: Dossier) -> list[DossierVersion]:
    """The versions as the page lists them (number, time, hash; the snapshots left unread), in order. A version is
    frozen once made and only ever added with the next number: on the page's read of the dossier (which annotates
    its latest number) the list is kept in the cache per latest number, so no query until a new submission."""
    # by the dossier's id, not its related manager: the rows cached must not carry the request's dossier with them
    listed = DossierVersion.objects.filter(dossier_id=dossier.pk).defer("snapshot", "file_hashes").order_by("number")
    if not hasattr(dossier, "zc_latest_version"):
        return list(listed)
    if dossier.zc_latest_version is None:
        return []
    key = f"dossier-versions:{dossier.pk}:v{dossier.zc_latest_version}"
    versions = cache.get(key)
    if versions is None:
        versions = list(listed)
        cache.set(key, versions, VERSIONS_SECONDS)
    return versions


def dossier_content_stamp(dossier: Dossier) -> str:
    """What a cached rendering of the dossier's content is keyed on: its revision (every edit, files included, bumps
    it) and the instant of its last change of state (a return, a resubmission with its new version, a withdrawal:
    none of them bumps the revision). The applicant's sections, the reviewer's tabs and the return's rows to tick
    are cached under it, so none of them outlives the content it shows."""
    changed = dossier.state_changed_at.timestamp() if dossier.state_changed_at else 0
    return f"{dossier.pk}:r{dossier.revision}:s{changed}"


CONTENT_SHA_SECONDS = 600


def dossier_content_sha256(dossier: Dossier) -> str:
    """The SHA-256 of the dossier's snapshot, kept in the cache per content revision (~12 queries saved per view).

    The identity, rows and files change only with a new revision (every edit, file included, bumps it: the
    sections' cached fragment relies on the same); the person (the account) and the target are read from the
    dossier already loaded and are part of the key. For pages only: the submission's guard compares the frozen
    version's own hash."""
    head = snapshot_canonical({"person": dossier_person(dossier), "target": snapshot_target(dossier)})
    key = f"dossier-content-sha:{dossier.pk}:r{dossier.revision}:{hashlib.sha256(head.encode()).hexdigest()[:20]}"
    sha = cache.get(key)
    if sha is None:
        sha = snapshot_sha256(dossier_snapshot(dossier))
        cache.set(key, sha, CONTENT_SHA_SECONDS)
    return sha


def _pledge_if_current(dossier: Dossier, pledge: PledgeSignature | None) -> PledgeSignature | None:
    if pledge is None or pledge.snapshot_sha256 != dossier_content_sha256(dossier):
        return None
    return pledge


def dossier_pledge_current(dossier: Dossier) -> PledgeSignature | None:
    """The latest pledge, if it is still valid: not invalidated and signed over the current content."""
    return _pledge_if_current(
        dossier, dossier.pledges.filter(invalidated_at__isnull=True).order_by("-signed_at", "-id").first())


def dossier_pledge_state(dossier: Dossier) -> tuple[PledgeSignature | None, bool]:
    """(the pledge still standing or None, whether one was signed and has since been voided or outdated)."""
    latest = dossier.pledges.order_by("-signed_at", "-id").first()
    signed_before = latest is not None
    # one read: when the latest pledge is not invalidated it is also the latest one not invalidated, the one
    # dossier_pledge_current would read again; only it is checked against the content (the cached hash)
    pledge = _pledge_if_current(dossier, latest) if signed_before and latest.invalidated_at is None else None
    return pledge, pledge is None and signed_before


def dossier_section_items(dossier: Dossier, section: str) -> QuerySet:
    """The rows of one section of a dossier, in the order they were added."""
    from .sections import SECTIONS

    spec = SECTIONS.get(section)
    if spec is None:
        raise NotFound("unknown_section", f"没有此栏目：{section}", f"No such section: {section}")
    return spec.model.objects.filter(dossier=dossier).order_by("id")


def dossier_section_rows(dossier: Dossier, section: str) -> list:
    """The rows of one section as a list with the rows' catalogue references joined, read once per request: the
    reviewer's page shows them as tabs and again as the rows a return may tick (issue 11's query budget). Kept on the
    dossier instance, which lives for one request; a write path reads its rows under its lock, never from here."""
    from .sections import SECTIONS

    cached = dossier.__dict__.setdefault("_section_rows", {})
    if section not in cached:
        spec = SECTIONS[section]
        joins = [name for name in spec.fields if spec.model._meta.get_field(name).many_to_one]
        cached[section] = list(dossier_section_items(dossier, section).select_related(*joins))
    return cached[section]


def dossier_section_item_get(dossier: Dossier, section: str, item_id):
    """One row of a section of this dossier (evidence files hang on it); NotFound otherwise."""
    item = dossier_section_items(dossier, section).filter(pk=item_id).first() if str(item_id).isdigit() else None
    if item is None:
        raise NotFound("not_found", "栏目中没有此条目", "No such entry in this section")
    return item


def dossier_state_changes(dossier: Dossier) -> QuerySet[DossierStateChange]:
    """The dossier's changes of state, oldest first, with who made them."""
    return (DossierStateChange.objects.filter(dossier_id=dossier.pk).select_related("actor", "organisation")
            .order_by("at", "id"))


def section_counts_of(dossier: Dossier, sections=None) -> dict[str, dict[str, int]]:
    """Count the rows and live evidence files of the named sections (all of them by default)."""
    keys = list(sections or SECTIONS)
    files = dict(
        EvidenceFile.objects.filter(dossier=dossier, deleted_at__isnull=True, section__in=keys)
        .values_list("section").annotate(n=Count("id")).values_list("section", "n")
    )
    return {key: {"rows": SECTIONS[key].model._default_manager.filter(dossier=dossier).count(),
                  "files": files.get(key, 0)} for key in keys}


def dossier_section_counts(dossier: Dossier) -> dict[str, dict[str, int]]:
    """The stored rows/files per section (no query); counted once and stored for a dossier that has none yet."""
    stored = dossier.section_counts or {}
    if all(key in stored for key in SECTIONS):
        return stored
    counts = section_counts_of(dossier)
    Dossier.objects.filter(pk=dossier.pk).update(section_counts=counts)  # a cache fill, not a change of content
    dossier.section_counts = counts
    return counts
