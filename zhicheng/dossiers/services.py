"""Acting on dossiers: create, target, sections, the integrity pledge, submit and withdraw; each change audited."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from zhicheng.accounts.models import Membership, Role
from zhicheng.accounts.passwords import password_confirm
from zhicheng.accounts.permissions import organisation_can_act
from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.campaigns.models import Campaign, CampaignStatus
from zhicheng.campaigns.selectors import campaign_route_for, campaign_submission_is_open
from zhicheng.catalog.models import Specialty, TitleName
from zhicheng.catalog.selectors import level_resolve, series_resolve
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.permissions import deny, require

from .guards import return_origin
from .hooks import dossier_changed
from .models import (
    Category,
    Dossier,
    DossierState,
    DossierVersion,
    EligibilityStatus,
    EvidenceFile,
    PledgeSignature,
    ValidityScope,
)
from .permissions import can_edit_dossier, is_dossier_owner
from .rules import Facts
from .sections import SECTIONS, SectionSpec, section_item_values, section_values_parse
from .selectors import section_counts_of
from .snapshot import dossier_snapshot, snapshot_sha256
from .workflow import State, dossier_transition, transition_refused


def _field_error(code: str, field: str, zh: str, en: str, status: int = 400) -> ApplicationError:
    return ApplicationError(code, zh, en, details={"fields": {field: [zh]}, "fields_en": {field: [en]}}, status=status)


def _applying_membership(actor) -> Membership:
    """The actor's active applicant membership: the unit or agency the dossier is submitted to."""
    membership = None
    if getattr(actor, "is_authenticated", False):
        membership = (
            Membership.objects.filter(user_id=actor.pk, role=Role.APPLICANT, is_active=True)
            .select_related("organisation").order_by("id").first()
        )
    if membership is None:
        require(deny("仅已开通申报人账号的人员可以申报", "Only applicants may create a dossier"))
    require(organisation_can_act(membership.organisation), code="organisation_suspended")
    return membership


def _target_resolve(*, campaign: Campaign, series, level, specialty, scope: str, category: str) -> dict[str, Any]:
    """The target's objects, checked: the title exists in the series, the specialty belongs to it, known choices."""
    series, level = series_resolve(series), level_resolve(level)
    if not TitleName.objects.filter(series=series, level=level).exists():
        raise _field_error("invalid_level", "level", f"{series.name}系列没有{level.name}职称", "No such title")
    if specialty not in (None, ""):
        specialty = Specialty.objects.filter(pk=getattr(specialty, "pk", specialty), series=series).first()
        if specialty is None or not specialty.is_active:
            raise _field_error("invalid_specialty", "specialty", f"所选专业不属于{series.name}系列", "Wrong specialty")
    if scope not in ValidityScope.values:
        raise _field_error("invalid_scope", "scope", "请选择有效范围", "Choose the validity scope")
    if category not in Category.values:
        raise _field_error("invalid_category", "category", "请选择评价类别", "Choose the category")
    route = campaign_route_for(campaign, series, level).route
    return {"series": series, "level": level, "specialty": specialty or None, "scope": scope,
            "category": category, "route": route}


def _target_plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "pk", v) for k, v in values.items()}


@transaction.atomic
def dossier_create(
    *, actor, campaign: Campaign, series, level, specialty=None, scope: str = ValidityScope.PROVINCE,
    category: str = Category.NORMAL, ip: str | None = None,
) -> Dossier:
    """Start the applicant's dossier in an open campaign, submitted to their applying unit or agency."""
    membership = _applying_membership(actor)
    if campaign.status != CampaignStatus.ACTIVE or not campaign_submission_is_open(campaign, timezone.now()):
        raise ApplicationError(
            "submission_closed", "不在个人申报时间内，不能新建申报材料", "Submission is closed", status=409
        )
    target = _target_resolve(
        campaign=campaign, series=series, level=level, specialty=specialty, scope=scope, category=category
    )
    dossier = Dossier(applicant=actor, campaign=campaign, organisation=membership.organisation, **target)
    try:
        with transaction.atomic():
            dossier.save()
    except IntegrityError as exc:
        raise ApplicationError(
            "dossier_exists", f"您在{campaign.name}已有申报材料，每人每年度只能申报一份",
            "You already have a dossier in this campaign", status=409,
        ) from exc
    audit_event_record(
        event_type=EventType.DOSSIER_CREATED, actor=actor, organisation=dossier.organisation, obj=dossier,
        data=_target_plain(target), ip=ip,
    )
    dossier_changed.send(sender=Dossier, dossier=dossier, actor=actor)
    return dossier


def dossier_lock_for_edit(dossier: Dossier, actor) -> Dossier:
    """Lock the dossier row for a change by its owner while a draft (for evidence.py too); 403 otherwise."""
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("campaign", "applicant").get(pk=dossier.pk)
    require(can_edit_dossier(actor, locked))
    return locked


def dossier_content_changed(dossier: Dossier, *, actor, ip: str | None, event: EventType, data: dict[str, Any]) -> None:
    """Every change (sections here, evidence files in evidence.py): bump the revision, void the pledge, audit.

    A row added or removed, or a file, re-counts its section (two queries); an edit of a row's fields does not.
    """
    now = timezone.now()
    checked = ~Q(eligibility_status=EligibilityStatus.NOT_CHECKED)  # any check there was is now out of date
    changes: dict[str, Any] = {}
    section = data.get("section")
    if section in SECTIONS and (event != EventType.DOSSIER_SECTION_CHANGED or data.get("action") != "updated"):
        stored = dossier.section_counts or {}  # the locked row's
        if stored:  # never counted yet: the page counts all sections the first time it needs them
            changes["section_counts"] = dossier.section_counts = {**stored, **section_counts_of(dossier, [section])}
    # the locked row says whether a pledge may still stand: only then is there anything to void (one write less
    # per autosave once the pledges are void); the dossier's UPDATE records that none stands any more
    void_pledges = not dossier.pledges_void
    if void_pledges:
        changes["pledges_void"] = dossier.pledges_void = True
    Dossier.objects.filter(pk=dossier.pk).update(
        revision=dossier.revision + 1, content_changed_at=now, updated_at=now,
        eligibility_status=Case(When(checked, then=Value(EligibilityStatus.OUTDATED)),
                                default=Value(EligibilityStatus.NOT_CHECKED)),
        **changes,
    )
    dossier.revision, dossier.content_changed_at = dossier.revision + 1, now
    voided = (PledgeSignature.objects.filter(dossier=dossier, invalidated_at__isnull=True).update(invalidated_at=now)
              if void_pledges else 0)
    audit_event_record(
        event_type=event, actor=actor, organisation=dossier.organisation_id, obj=dossier,
        data={**data, "revision": dossier.revision, "pledges_voided": voided}, ip=ip,
    )
    dossier_changed.send(sender=Dossier, dossier=dossier, actor=actor)


@transaction.atomic
def dossier_target_update(
    *, dossier: Dossier, actor, series, level, specialty=None, scope: str, category: str, ip: str | None = None
) -> Dossier:
    """Change what is applied for; the route is derived again from the campaign."""
    dossier = dossier_lock_for_edit(dossier, actor)
    target = _target_resolve(
        campaign=dossier.campaign, series=series, level=level, specialty=specialty, scope=scope, category=category
    )
    before = {k: getattr(dossier, f"{k}_id" if k in ("series", "level", "specialty") else k) for k in target}
    after = _target_plain(target)
    if before == after:
        return dossier
    for name, value in target.items():
        setattr(dossier, name, value)
    dossier.save(update_fields=[*target, "updated_at"])
    dossier_content_changed(
        dossier, actor=actor, ip=ip, event=EventType.DOSSIER_TARGET_UPDATED, data={"from": before, "to": after}
    )
    return dossier


def _facts(dossier: Dossier) -> Facts:
    campaign = dossier.campaign
    return Facts(today=timezone.localdate(), campaign_year=campaign.year, seniority_date=campaign.seniority_date)


def _spec(section: str, *, single: bool) -> SectionSpec:
    spec = SECTIONS.get(section)
    if spec is None or spec.single != single:
        raise NotFound("unknown_section", f"没有此栏目：{section}", f"No such section: {section}")
    return spec


def _save_row(item, values: dict[str, Any], spec: SectionSpec) -> None:
    """Save a section row; a clash with a row already there (the same year, the same month) is a 409."""
    for name, value in values.items():
        setattr(item, name, value)
    try:
        # no savepoint of its own (two round trips per autosave): the error leaves the calling service, whose
        # transaction (or savepoint, when nested) is rolled back whole, so nothing half-saved stays behind
        item.save()
    except IntegrityError as exc:
        raise ApplicationError(
            "duplicate_item", f"{spec.label_zh}中已有相同的条目（同一年度或同一月份）",
            f"The {spec.label_en} already has this entry", status=409,
        ) from exc


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        k: {"from": getattr(v, "pk", v), "to": getattr(after[k], "pk", after[k])}
        for k, v in before.items() if v != after[k]
    }


@transaction.atomic
def identity_update(*, dossier: Dossier, actor, data: dict[str, Any], ip: str | None = None):
    """Create or change the identity section (name, sex and birth date come from the account)."""
    dossier = dossier_lock_for_edit(dossier, actor)
    spec = _spec("identity", single=True)
    item = spec.model.objects.filter(dossier=dossier).first()
    current = section_item_values(spec, item)
    values = section_values_parse(spec, data, current, _facts(dossier))
    changed = _changes(current, values) if item else {k: {"to": v} for k, v in values.items()}
    if item is not None and not changed:
        return item
    item = item or spec.model(dossier=dossier)
    _save_row(item, values, spec)
    dossier_content_changed(dossier, actor=actor, ip=ip, event=EventType.DOSSIER_SECTION_CHANGED,
                            data={"section": "identity", "item": item.pk, "changes": changed})
    return item


@transaction.atomic
def section_item_create(*, dossier: Dossier, actor, section: str, data: dict[str, Any], ip: str | None = None):
    """Add a row to a section (education, work history, achievements …)."""
    dossier = dossier_lock_for_edit(dossier, actor)
    spec = _spec(section, single=False)
    values = section_values_parse(spec, data, section_item_values(spec, None), _facts(dossier))
    item = spec.model(dossier=dossier)
    _save_row(item, values, spec)
    dossier_content_changed(dossier, actor=actor, ip=ip, event=EventType.DOSSIER_SECTION_CHANGED,
                            data={"section": section, "item": item.pk, "action": "created"})
    return item


@transaction.atomic
def section_items_create(
    *, dossier: Dossier, actor, section: str, rows: list[dict[str, Any]], ip: str | None = None
) -> list:
    """Add several rows to a section at once (a statement's months, a run of annual assessments): every row is
    checked as section_item_create checks one, nothing is saved unless all are valid, and the dossier changes once
    (one revision, one audit event naming every row) instead of once per row."""
    dossier = dossier_lock_for_edit(dossier, actor)
    spec = _spec(section, single=False)
    if not rows:
        return []
    empty, facts = section_item_values(spec, None), _facts(dossier)
    items = []
    for values in (section_values_parse(spec, data, empty, facts) for data in rows):
        item = spec.model(dossier=dossier)
        for name, value in values.items():
            setattr(item, name, value)
        items.append(item)
    try:
        with transaction.atomic():
            items = spec.model.objects.bulk_create(items)
    except IntegrityError as exc:
        raise ApplicationError(
            "duplicate_item", f"{spec.label_zh}中已有相同的条目（同一年度或同一月份）",
            f"The {spec.label_en} already has this entry", status=409,
        ) from exc
    dossier_content_changed(dossier, actor=actor, ip=ip, event=EventType.DOSSIER_SECTION_CHANGED,
                            data={"section": section, "items": [item.pk for item in items], "action": "created"})
    return items


def _item_get(dossier: Dossier, spec: SectionSpec, item_id):
    item = spec.model.objects.filter(dossier=dossier, pk=item_id).first() if str(item_id).isdigit() else None
    if item is None:
        raise NotFound("not_found", f"{spec.label_zh}中没有此条目", f"No such {spec.label_en} entry")
    item.dossier = dossier  # the locked row: the caller renders with it
    return item


@transaction.atomic
def section_item_update(
    *, dossier: Dossier, actor, section: str, item_id, data: dict[str, Any], ip: str | None = None
):
    """Change some fields of a section row; nothing is saved unless every field is valid."""
    dossier = dossier_lock_for_edit(dossier, actor)
    spec = _spec(section, single=False)
    return _item_update(dossier, actor, spec, _item_get(dossier, spec, item_id), data, ip)


def _own_row_lock_for_edit(dossier_id, actor, spec: SectionSpec, item_id):
    """The actor's own dossier and one of its rows, read and locked in ONE statement, or None when the dossier is
    not theirs or the row is not in it (the caller then takes the general path, which answers as before).

    Both rows are locked, the dossier first (the order every other edit takes: dossier, then its rows): on
    PostgreSQL a statement that waited for the lock re-reads the locked rows' latest versions, so the row's values
    are never older than the lock (an unlocked joined row would be the version from before the wait)."""
    if not (str(dossier_id).isdigit() and str(item_id).isdigit() and getattr(actor, "is_authenticated", False)):
        return None
    return (
        spec.model.objects.select_related("dossier", "dossier__campaign", "dossier__applicant")
        .select_for_update(of=("dossier", "self"))
        .filter(pk=item_id, dossier_id=dossier_id, dossier__applicant_id=actor.pk)
        .first()
    )


def section_item_update_own(
    *, dossier_id, actor, section: str, item_id, data: dict[str, Any], ip: str | None = None
):
    """section_item_update for the actor's own dossier named by its id: the autosave's and the API's path.

    The owner's row and dossier come in one locked read (the dossier's own applicant_id is the check on the object;
    the edit permission, its state, is then asked of the locked row as always, 403 with its reason). None when the
    dossier is not the actor's, the row is not in it or the section has no rows: the caller then takes the general
    path (dossier_get_for, section_item_update), which answers as before (404 and the refusal noted, 403, 404).
    Returns the row, its `dossier` the locked one.
    """
    spec = SECTIONS.get(section)
    if spec is None or spec.single:
        return None
    with transaction.atomic():
        item = _own_row_lock_for_edit(dossier_id, actor, spec, item_id)
        if item is None:
            return None
        require(can_edit_dossier(actor, item.dossier))
        return _item_update(item.dossier, actor, spec, item, data, ip)


def _item_update(dossier: Dossier, actor, spec: SectionSpec, item, data: dict[str, Any], ip: str | None):
    """The change itself, the dossier locked by the caller."""
    section = spec.name
    current = section_item_values(spec, item)
    values = section_values_parse(spec, data, current, _facts(dossier))
    changed = _changes(current, values)
    if not changed:
        return item
    _save_row(item, values, spec)
    dossier_content_changed(dossier, actor=actor, ip=ip, event=EventType.DOSSIER_SECTION_CHANGED,
                            data={"section": section, "item": item.pk, "action": "updated", "changes": changed})
    return item


@transaction.atomic
def section_item_delete(*, dossier: Dossier, actor, section: str, item_id, ip: str | None = None) -> None:
    """Remove a row from a draft; its evidence files are only marked deleted (a version may still name them)."""
    dossier = dossier_lock_for_edit(dossier, actor)
    spec = _spec(section, single=False)
    item = _item_get(dossier, spec, item_id)
    pk = item.pk
    item.delete()
    files = EvidenceFile.objects.filter(dossier=dossier, section=section, item_id=pk, deleted_at__isnull=True)
    hidden = files.update(deleted_at=timezone.now())
    dossier_content_changed(dossier, actor=actor, ip=ip, event=EventType.DOSSIER_SECTION_CHANGED,
                            data={"section": section, "item": pk, "action": "deleted", "evidence_deleted": hidden})


def pledge_sign(
    *, dossier: Dossier, actor, password: str, ip: str | None = None, user_agent: str = ""
) -> PledgeSignature:
    """Sign the campaign's integrity pledge over the dossier as it is now, with the applicant's own password.

    The password is checked first, outside the transaction: a wrong one is audited and counts toward the
    lockout even though the signature is refused, so the pledge is not an unlimited password oracle.
    """
    require(is_dossier_owner(actor, dossier))  # only one's own dossier reaches the password check; state: below
    try:
        password_confirm(user=actor, password=password, ip=ip, purpose="pledge")
    except ApplicationError as exc:  # the message goes beside the pledge form's password field
        raise _field_error(exc.code, "password", exc.message_zh, exc.message_en, exc.status) from exc
    with transaction.atomic():
        return _pledge_record(dossier=dossier, actor=actor, ip=ip, user_agent=user_agent)


def _pledge_record(*, dossier: Dossier, actor, ip: str | None, user_agent: str) -> PledgeSignature:
    dossier = dossier_lock_for_edit(dossier, actor)
    text = dossier.campaign.pledge_text.strip()
    if not text:
        raise ApplicationError("no_pledge_text", "本年度尚未设置诚信承诺书，请联系职改办", "No pledge text", status=409)
    now = timezone.now()
    if dossier.pledges_void:  # a pledge stands from now on: the next edit must void it
        Dossier.objects.filter(pk=dossier.pk).update(pledges_void=False)
        dossier.pledges_void = False
    else:
        PledgeSignature.objects.filter(dossier=dossier, invalidated_at__isnull=True).update(invalidated_at=now)
    pledge = PledgeSignature.objects.create(
        dossier=dossier, signed_by=actor, signed_at=now, ip=ip or None, user_agent=(user_agent or "")[:500],
        pledge_text=text, snapshot_sha256=snapshot_sha256(dossier_snapshot(dossier)), revision=dossier.revision,
    )
    audit_event_record(
        event_type=EventType.DOSSIER_PLEDGE_SIGNED, actor=actor, organisation=dossier.organisation_id, obj=dossier,
        data={"pledge": pledge.pk, "sha256": pledge.snapshot_sha256, "user_agent": pledge.user_agent}, ip=ip,
    )
    return pledge


@transaction.atomic
def dossier_submit(*, dossier: Dossier, actor, ip: str | None = None) -> Dossier:
    """Freeze an immutable version and submit it to the unit, or answer a return with it.

    The checks (window or the return's deadline, the pledge over exactly this content, eligibility …) are the
    guards of the transition's row (workflow.py): here the version is only frozen, with the current pledge.
    A returned dossier goes back to the state the return came from.
    """
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=dossier.pk)
    require(is_dossier_owner(actor, locked))
    if locked.state not in (DossierState.DRAFT, DossierState.RETURNED):
        raise transition_refused(locked.state, State.SUBMITTED)
    target = return_origin(locked) if locked.state == DossierState.RETURNED else State.SUBMITTED
    snapshot = dossier_snapshot(locked)
    sha256 = snapshot_sha256(snapshot)
    pledge = locked.pledges.filter(invalidated_at__isnull=True).order_by("-signed_at", "-id").first()
    number = locked.versions.count() + 1
    DossierVersion.objects.create(
        dossier=locked, number=number, snapshot=snapshot, file_hashes=[f["sha256"] for f in snapshot["evidence"]],
        sha256=sha256, pledge=pledge, created_by=actor, created_at=timezone.now(),
    )
    return dossier_transition(
        dossier=dossier, to=target, actor=actor, ip=ip, data={"version": number, "sha256": sha256}
    )


def dossier_withdraw(
    *, dossier: Dossier, actor, reason: str, password: str | None = None, confirmation: str = "",
    ip: str | None = None,
) -> Dossier:
    """Withdraw a submitted dossier (until the unit decides); nothing is deleted.

    While the submission window is open it becomes a draft again (edit and submit again). After the close it is
    withdrawn for good: the year's application ends, so the applicant re-enters their password and types the
    confirmation (a wrong password counts toward lockout and changes nothing).
    """
    data = {"reason": reason or ""}
    if campaign_submission_is_open(dossier.campaign, timezone.now()):
        return dossier_transition(dossier=dossier, to=State.DRAFT, actor=actor, ip=ip, data=data)
    require(is_dossier_owner(actor, dossier))
    if dossier.state != State.SUBMITTED:
        raise transition_refused(dossier.state, State.WITHDRAWN)
    if not (reason or "").strip():
        raise ApplicationError("reason_required", "请填写撤回原因", "Give the reason for withdrawing",
                               details={"fields": {"reason": ["请填写撤回原因"]}})
    password_confirm(user=actor, password=password or "", ip=ip, purpose="withdraw")
    return dossier_transition(dossier=dossier, to=State.WITHDRAWN, actor=actor, ip=ip,
                              data={**data, "confirmation": (confirmation or "").strip()})
