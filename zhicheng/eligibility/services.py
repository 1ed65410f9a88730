"""Acting on eligibility: evaluate and store, refuse a blocked submission, overrides and exemptions.

The rules themselves are pure (rules.py); here they are fed the dossier's facts and their answer is kept as an
append-only history of checks, so a reviewer sees what was found on which revision and version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import require
from zhicheng.dossiers.models import Dossier, DossierState, DossierVersion

from .facts import Finding
from .models import (
    EligibilityCheck,
    ExemptionDeclaration,
    ExemptionState,
    FindingOverride,
    RecheckPending,
    RecheckRun,
)
from .permissions import can_declare_exemption, can_review_eligibility
from .selectors import campaign_params, dossier_facts, eligibility_latest, eligibility_status

logger = logging.getLogger(__name__)


def _rules():
    """The rules module, looked up at call time (tests may swap it)."""
    from . import rules

    return rules


def plain(value: Any) -> Any:
    """A JSON value with one spelling per fact: dates ISO, decimals as strings, sets sorted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted((plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def finding_as_dict(finding: Finding) -> dict[str, Any]:
    return {**plain(finding), "missing": list(finding.missing), "incomplete": finding.incomplete,
            "blocking": finding.blocking}


def facts_sha256(facts, params) -> str:
    canonical = json.dumps({"facts": plain(facts), "params": plain(params)}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _latest_version(dossier: Dossier) -> DossierVersion | None:
    if dossier.state == DossierState.DRAFT:
        return None
    return DossierVersion.objects.filter(dossier=dossier).order_by("-number").first()


def rule_inputs_sha256(spec, facts, params, rules_version: str) -> str:
    """What one rule's findings depend on: the facts it declares it reads, the campaign's params, the rules' version."""
    canonical = json.dumps({"facts": {name: plain(getattr(facts, name)) for name in spec.reads},
                            "params": plain(params), "rules": rules_version}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _incremental(rules, facts, params, latest: EligibilityCheck | None, now) -> tuple[list[dict], dict, dict, list]:
    """Run only the rules whose inputs differ from the latest check's; the others keep their findings and time.

    Returns (findings in REGISTRY order, inputs digest per rule, checked-at per rule, the rules that ran). A rules
    module without per-rule specs (a test's stand-in) is evaluated whole.
    """
    version = str(getattr(rules, "RULES_VERSION", ""))
    specs = getattr(rules, "PER_DOSSIER_RULES", None)
    if specs is None:
        return [finding_as_dict(f) for f in rules.evaluate(facts, params)], {}, {}, ["*"]
    before_digests = (latest.rule_digests or {}) if latest is not None else {}
    before_times = (latest.rule_checked_at or {}) if latest is not None else {}
    before_findings: dict[str, list[dict]] = {}
    for f in latest.findings if latest is not None else ():
        before_findings.setdefault(f["rule"], []).append(f)
    findings: list[dict] = []
    digests: dict[str, str] = {}
    times: dict[str, str] = {}
    ran: list[str] = []
    for spec in specs:
        digest = rule_inputs_sha256(spec, facts, params, version)
        digests[spec.id] = digest
        if before_digests.get(spec.id) == digest and spec.id in before_findings and spec.id in before_times:
            findings.extend(before_findings[spec.id])
            times[spec.id] = before_times[spec.id]
        else:
            findings.extend(finding_as_dict(f) for f in rules.evaluate_rule(spec.id, facts, params))
            times[spec.id] = now.isoformat()
            ran.append(spec.id)
    return findings, digests, times, ran


def eligibility_evaluate(*, dossier: Dossier, version: DossierVersion | None = None) -> EligibilityCheck:
    """Run the rules on the dossier as it is now; store a new check only when something differs from the latest.

    Incremental: a rule whose declared facts (`RuleSpec.reads`) and params are unchanged since the latest check
    keeps that check's findings and its checked-at time; the result equals a full evaluation (property-tested).
    """
    given, dossier = dossier, Dossier.objects.select_related("campaign").get(pk=dossier.pk)
    facts = dossier_facts(dossier)
    params = campaign_params(dossier.campaign, series=dossier.series_id, level=dossier.level_id)
    rules = _rules()
    latest = eligibility_latest(dossier)
    now = timezone.now()
    findings, digests, times, ran = _incremental(rules, facts, params, latest, now)
    version = version or _latest_version(dossier)
    if (latest is not None and latest.findings == findings and latest.dossier_revision == dossier.revision
            and latest.version_id == (version.pk if version else None)):
        given.eligibility_status = eligibility_status_store(dossier)  # the caller's page reads its instance
        return latest
    blocking = sum(1 for f in findings if f["blocking"])
    computed_at = dossier_blocking_findings_store(dossier, blocking)
    check = EligibilityCheck.objects.create(
        dossier=dossier, dossier_revision=dossier.revision, version=version, computed_at=computed_at,
        findings=findings, blocking_count=blocking,
        facts_sha256=facts_sha256(facts, params), rules_version=str(getattr(rules, "RULES_VERSION", ""))[:40],
        rule_digests=digests, rule_checked_at=times, rules_run=ran,
    )
    given.blocking_findings = blocking
    given.eligibility_status = eligibility_status_store(dossier)
    return check


def dossier_blocking_findings_store(dossier: Dossier, blocking: int) -> dt.datetime:
    """Copy the blocking count of the check about to be stored onto the dossier row; returns the check's time.

    The queues' "有不符合项" filter and count read `Dossier.blocking_findings`, so it must always equal the latest
    check's count. The UPDATE comes first because it takes the dossier row's lock (held to the commit, like the
    check's row), and the check's time is read only then: two checks of one dossier storing at once (an edit's
    re-check task and a submission) take their times in the order they commit, so the last one written to the row is
    also the latest by `computed_at`. Called only from eligibility_evaluate, the one place a check is stored.
    """
    Dossier.objects.filter(pk=dossier.pk).update(blocking_findings=blocking)
    dossier.blocking_findings = blocking
    return timezone.now()


def eligibility_status_store(dossier: Dossier) -> str:
    """Keep the one-word status beside the dossier current (dossiers shows it, it cannot ask this app)."""
    status = eligibility_status(dossier=dossier)
    # only for the revision it was computed on: a check finishing after a newer edit leaves "outdated" in place
    Dossier.objects.filter(pk=dossier.pk, revision=dossier.revision).exclude(eligibility_status=status).update(
        eligibility_status=status)
    dossier.eligibility_status = status
    return status


def on_dossier_changed(sender, *, dossier: Dossier, **kwargs) -> None:
    """Receiver of dossiers.hooks.dossier_changed: re-check the dossier once the edit has committed.

    The edit's transaction holds the dossier row; the rules (~20 queries) run after it commits, as a task
    (`tasks.eligibility_recheck_dossier`) queued only if none is pending for the dossier (`RecheckPending`), so a
    burst of autosaves costs one task, which checks the latest revision. Meanwhile the status beside the dossier says
    "outdated" and the checklist "re-checking". `ZHICHENG_ELIGIBILITY_AFTER_COMMIT = False` re-checks inside the
    edit's transaction instead (the unit tests' default, where nothing commits). A fault in the engine never loses
    the edit.
    """
    if getattr(settings, "ZHICHENG_ELIGIBILITY_AFTER_COMMIT", True):
        pk, revision = dossier.pk, dossier.revision
        transaction.on_commit(lambda: recheck_enqueue(dossier_id=pk, revision=revision), robust=True)
        return
    try:
        with transaction.atomic():
            eligibility_evaluate(dossier=dossier)
    except Exception:  # logged; computed again on the next change, and on submit where a fault is not hidden
        logger.exception("eligibility evaluation failed for dossier %s", dossier.pk)


def recheck_enqueue(*, dossier_id: int, revision: int) -> bool:
    """Queue the dossier's re-check unless one is already pending; True if this call queued it.

    The marker and the task's row commit together (database task backend), so a marker always has its task. A
    pending task has not read the dossier yet: it will check this edit too.
    """
    from .tasks import eligibility_recheck_dossier

    if RecheckPending.objects.filter(dossier_id=dossier_id).exists():
        return False
    try:
        with transaction.atomic():
            RecheckPending.objects.create(dossier_id=dossier_id, queued_at=timezone.now())
            eligibility_recheck_dossier.enqueue(dossier_id, revision)
    except IntegrityError:  # another edit's commit queued it between the check and the insert
        return False
    return True


def eligibility_recheck_after_edit(*, dossier_id: int, revision: int | None = None) -> str:
    """The task's work: check the dossier's latest revision unless it is checked already.

    The pending marker goes first, in its own commit (the worker runs tasks outside a transaction): an edit that
    commits after this queues the next task; one that committed before is in what is read below. `revision` (the
    edit that queued the task) is informational: later edits found this task pending and rely on it.
    """
    RecheckPending.objects.filter(dossier_id=dossier_id).delete()
    dossier = Dossier.objects.filter(pk=dossier_id).only("pk", "revision").first()
    if dossier is None:
        return "gone"
    latest = eligibility_latest(dossier)
    if latest is not None and latest.dossier_revision == dossier.revision:
        return "current"
    try:
        with transaction.atomic():
            eligibility_evaluate(dossier=dossier)
    except Exception:  # logged; the next change or the submission evaluates again
        logger.exception("eligibility evaluation failed for dossier %s", dossier_id)
        return "failed"
    return "checked"


def eligibility_current(*, dossier: Dossier) -> EligibilityCheck:
    """The latest check, computed now if the dossier has none yet (a dossier from before the engine)."""
    return eligibility_latest(dossier) or eligibility_evaluate(dossier=dossier)


def eligibility_before_review_step(dossier: Dossier) -> EligibilityCheck:
    """For the review stages: re-evaluate (thresholds may have changed) and return the check shown to the reviewer."""
    with transaction.atomic():
        return eligibility_evaluate(dossier=dossier)


def _key(rule: str, subject: str) -> tuple[str, str]:
    return (rule, subject or "")


def unresolved_blocking(check: EligibilityCheck) -> list[dict[str, Any]]:
    """Blocking findings neither overridden by a reviewer nor covered by a declared or confirmed exemption."""
    overridden = {_key(r, s) for r, s in FindingOverride.objects.filter(
        dossier_id=check.dossier_id, revoked_at__isnull=True).values_list("rule", "subject")}
    exempted = {_key(r, s) for r, s in ExemptionDeclaration.objects.filter(
        dossier_id=check.dossier_id).exclude(state=ExemptionState.REFUSED).values_list("rule", "subject")}
    return [f for f in check.findings if f["blocking"] and _key(f["rule"], f["subject"]) not in overridden | exempted]


def _finding_in(check: EligibilityCheck, rule: str, subject: str) -> dict[str, Any] | None:
    return next((f for f in check.findings if _key(f["rule"], f["subject"]) == _key(rule, subject)), None)


def _required_text(value: str, field: str, zh: str, en: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError("reason_required", zh, en, details={"fields": {field: [zh]}, "fields_en": {field: [en]}})
    return text


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update(of=("self",)).select_related("organisation__parent").get(pk=dossier.pk)


# A reviewer's decision on an exemption declaration, as the event it records
EXEMPTION_EVENTS = {ExemptionState.CONFIRMED: EventType.ELIGIBILITY_EXEMPTION_CONFIRMED,
                    ExemptionState.REFUSED: EventType.ELIGIBILITY_EXEMPTION_REFUSED}


def _audit(event: EventType, *, actor, dossier: Dossier, data: dict[str, Any], ip: str | None) -> None:
    """Every reviewer's or applicant's decision on a finding: audited, and the status beside the dossier follows."""
    eligibility_status_store(dossier)
    audit_event_record(event_type=event, actor=actor, organisation=dossier.organisation_id, obj=dossier, data=data,
                       ip=ip)


@transaction.atomic
def finding_override(*, dossier: Dossier, rule: str, subject: str = "", reason: str, actor,
                     ip: str | None = None) -> FindingOverride:
    """A reviewer sets a finding that is not met aside, with a written reason shown to every later reviewer."""
    dossier = _locked(dossier)
    require(can_review_eligibility(actor, dossier))
    reason = _required_text(reason, "reason", "请填写认定理由", "Give the reason for the override")
    check = eligibility_current(dossier=dossier)
    finding = _finding_in(check, rule, subject)
    if finding is None or finding["ok"]:
        raise ApplicationError("finding_not_found", "当前检查结果中没有该项未通过的检查", "No such unmet finding")
    active = FindingOverride.objects.filter(dossier=dossier, rule=rule, subject=subject or "", revoked_at__isnull=True)
    if active.exists():
        raise ApplicationError("already_overridden", "该项已有审核人员认定", "Already overridden", status=409)
    override = FindingOverride.objects.create(dossier=dossier, rule=rule, subject=subject or "", reason=reason,
                                              on_check=check, by=actor, at=timezone.now())
    _audit(EventType.ELIGIBILITY_FINDING_OVERRIDDEN, actor=actor, dossier=dossier, ip=ip,
           data={"override": override.pk, "rule": rule, "subject": subject or "", "reason": reason, "check": check.pk})
    return override


@transaction.atomic
def override_revoke(*, override: FindingOverride, actor, ip: str | None = None) -> FindingOverride:
    """Withdraw an override; it stays on record with who revoked it."""
    dossier = _locked(override.dossier)
    require(can_review_eligibility(actor, dossier))
    override = FindingOverride.objects.select_for_update().get(pk=override.pk)
    if override.revoked_at is not None:
        raise ApplicationError("already_revoked", "该认定已撤销", "Already revoked", status=409)
    override.revoked_at, override.revoked_by = timezone.now(), actor
    override.save(update_fields=["revoked_at", "revoked_by"])
    _audit(EventType.ELIGIBILITY_OVERRIDE_REVOKED, actor=actor, dossier=dossier, ip=ip,
           data={"override": override.pk, "rule": override.rule, "subject": override.subject})
    return override


@transaction.atomic
def exemption_declare(*, dossier: Dossier, rule: str, subject: str = "", statement: str, actor,
                      ip: str | None = None) -> ExemptionDeclaration:
    """The applicant states why a blocking finding does not apply, so they may submit; a reviewer decides later."""
    dossier = _locked(dossier)
    require(can_declare_exemption(actor, dossier))
    statement = _required_text(statement, "statement", "请填写豁免说明", "Explain why the rule does not apply")
    finding = _finding_in(eligibility_evaluate(dossier=dossier), rule, subject)
    if finding is None or not finding["blocking"]:
        raise ApplicationError("finding_not_blocking", "只能对阻止提交的检查项声明豁免",
                               "Only a blocking finding can be declared exempt")
    if ExemptionDeclaration.objects.filter(dossier=dossier, rule=rule, subject=subject or "").exclude(
            state=ExemptionState.REFUSED).exists():
        raise ApplicationError("already_declared", "该项已声明豁免", "Already declared", status=409)
    declaration = ExemptionDeclaration.objects.create(dossier=dossier, rule=rule, subject=subject or "",
                                                      statement=statement, declared_by=actor,
                                                      declared_at=timezone.now())
    _audit(EventType.ELIGIBILITY_EXEMPTION_DECLARED, actor=actor, dossier=dossier, ip=ip,
           data={"declaration": declaration.pk, "rule": rule, "subject": subject or "", "statement": statement})
    return declaration


def _exemption_decide(declaration: ExemptionDeclaration, *, actor, note: str, state: str, ip) -> ExemptionDeclaration:
    dossier = _locked(declaration.dossier)
    require(can_review_eligibility(actor, dossier))
    declaration = ExemptionDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.state != ExemptionState.DECLARED:
        raise ApplicationError("already_decided", f"该豁免声明已{declaration.get_state_display()}",
                               "This declaration was already decided", status=409)
    declaration.state, declaration.decided_by, declaration.decided_at = state, actor, timezone.now()
    declaration.note = (note or "").strip()
    declaration.save(update_fields=["state", "decided_by", "decided_at", "note"])
    _audit(EXEMPTION_EVENTS[ExemptionState(state)], actor=actor, dossier=dossier, ip=ip,
           data={"declaration": declaration.pk, "rule": declaration.rule, "note": declaration.note})
    return declaration


@transaction.atomic
def exemption_confirm(*, declaration: ExemptionDeclaration, actor, note: str = "",
                      ip: str | None = None) -> ExemptionDeclaration:
    return _exemption_decide(declaration, actor=actor, note=note, state=ExemptionState.CONFIRMED, ip=ip)


@transaction.atomic
def exemption_refuse(*, declaration: ExemptionDeclaration, actor, note: str,
                     ip: str | None = None) -> ExemptionDeclaration:
    """Refuse with a reason the applicant and later reviewers read."""
    _required_text(note, "note", "请填写不予确认的理由", "Give the reason for refusing")
    return _exemption_decide(declaration, actor=actor, note=note, state=ExemptionState.REFUSED, ip=ip)


def _outcomes(check: EligibilityCheck | None) -> dict[tuple[str, str], tuple]:
    """What a reader acts on, per finding: met or not, how severe, what is missing (wording aside)."""
    if check is None:
        return {}
    return {_key(f["rule"], f["subject"]): (f["ok"], f["severity"], tuple(f["missing"])) for f in check.findings}


def findings_changed(before: EligibilityCheck | None, after: EligibilityCheck) -> int:
    """How many findings changed outcome, appeared or disappeared between two checks."""
    old, new = _outcomes(before), _outcomes(after)
    return sum(1 for key in old.keys() | new.keys() if old.get(key) != new.get(key))


@transaction.atomic
def recheck_run_create(*, campaign, actor=None) -> RecheckRun:
    """Record a request to re-evaluate every dossier of the campaign (run by tasks.eligibility_recheck_campaign)."""
    run = RecheckRun.objects.create(campaign=campaign, requested_by=actor if getattr(actor, "pk", None) else None,
                                    requested_at=timezone.now())
    audit_event_record(event_type=EventType.ELIGIBILITY_RECHECK_REQUESTED, actor=actor, obj=run,
                       data={"campaign": campaign.pk, "run": run.pk})
    return run


def _progress(run: RecheckRun, **fields) -> None:
    RecheckRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)


def recheck_run_execute(*, run: RecheckRun, progress_every: int = 20) -> RecheckRun:
    """Re-evaluate the campaign's dossiers one transaction each, counting dossiers and findings that changed."""
    ids = list(Dossier.objects.filter(campaign_id=run.campaign_id).exclude(state=DossierState.WITHDRAWN)
               .order_by("id").values_list("pk", flat=True))
    _progress(run, started_at=timezone.now(), total=len(ids), done=0, dossiers_changed=0, findings_changed=0,
              changed_dossier_ids=[])
    changed_ids, findings = [], 0
    for n, pk in enumerate(ids, start=1):
        with transaction.atomic():
            dossier = Dossier.objects.select_for_update().get(pk=pk)
            before = eligibility_latest(dossier)
            delta = findings_changed(before, eligibility_evaluate(dossier=dossier))
        if delta:
            changed_ids.append(pk)
            findings += delta
        if n % progress_every == 0 or n == len(ids):
            _progress(run, done=n, dossiers_changed=len(changed_ids), findings_changed=findings,
                      changed_dossier_ids=changed_ids)
    _progress(run, finished_at=timezone.now())
    audit_event_record(event_type=EventType.ELIGIBILITY_RECHECK_FINISHED, obj=run,
                       data={"run": run.pk, "total": run.total, "dossiers_changed": run.dossiers_changed,
                             "findings_changed": run.findings_changed})
    return run


def integrity_bar_record(*, user, starts_on: dt.date, ends_on: dt.date, reason: str, source: str = "",
                         actor=None, ip: str | None = None):
    """Write a bar on applying into the person's integrity record (called inside the revoking transaction)."""
    from .models import IntegrityBar

    bar = IntegrityBar.objects.create(user=user, starts_on=starts_on, ends_on=ends_on, reason=reason[:200],
                                      source=source[:80])
    audit_event_record(event_type=EventType.ELIGIBILITY_INTEGRITY_BARRED, actor=actor, obj=bar,
                       data={"user": user.pk, "starts_on": starts_on, "ends_on": ends_on, "source": source}, ip=ip)
    return bar
