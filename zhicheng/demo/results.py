"""The end of the 2024 demo cycle: result publicity, the title document, signed e-certificates, one revocation.

Uses the passed results the committees demo leaves (state `passed` with an EvaluationResult, reached through
`dossier_transition()` like every other step); without them it does nothing. Then, with the server clock replayed:
- 2024-12-20 (Fri): the office publishes the results, 12-23 (Mon) → 12-27 (Fri), 5 working days;
- 12-28: the office closes the publicity; 12-30: its leader approves 新组发〔2024〕35号 and the certificates are
  issued (rendered, PAdES- and SM2-signed with the demo keys `seed_demo` writes to var/keys/);
- 2025-03-03: one title is revoked (fraud), which bars its holder from applying until 2028-03-03.
Running it again changes nothing (a 2024 certificate exists → skipped).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction

from zhicheng.accounts.models import Membership, OrganisationKind, Role
from zhicheng.campaigns.models import Campaign
from zhicheng.certificates.keys import keys_demo_generate, keys_reset
from zhicheng.certificates.models import Certificate, IssueRun, RevocationReason
from zhicheng.certificates.services import certificate_revoke, certificates_issue_run, title_document_approve
from zhicheng.dossiers.holders import title_office_of
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.publicity.services import publicity_close, result_publicity_publish

from .dossiers import CAMPAIGN_YEAR, replayed_clock

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PERSONS = 4  # certificates issued in the demo; the last one is revoked
DOCUMENT_NUMBER = "新组发〔2024〕35号"


def _when(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).replace(tzinfo=SHANGHAI)


def _office_person(office, role: str):
    membership = (Membership.objects.filter(organisation=office, role=role, is_active=True)
                  .select_related("user").order_by("id").first())
    return membership.user if membership else None


@transaction.atomic
def demo_results_seed() -> int:
    """Publish, confer, issue and revoke as described above; the number of certificates issued (0 if seeded)."""
    keys_demo_generate(Path(settings.ZHICHENG_CERT_KEY_DIR))
    keys_reset()
    campaign = Campaign.objects.filter(year=CAMPAIGN_YEAR).first()
    if campaign is None or Certificate.objects.filter(document__campaign=campaign).exists():
        return 0
    passed = list(Dossier.objects.filter(campaign=campaign, state=DossierState.PASSED, evaluation_result__passed=True)
                  .select_related("campaign", "organisation").order_by("id")[:PERSONS])
    if not passed:  # nothing evaluated (the committees demo did not run): nothing to publish
        return 0
    office = title_office_of(passed[0].organisation)
    if office is None or office.kind != OrganisationKind.OFFICE:
        return 0
    staff, leader = _office_person(office, Role.OFFICE_STAFF), _office_person(office, Role.REVIEW_LEADER)
    with replayed_clock(_when("2024-12-20T09:00:00")):
        outcome = result_publicity_publish(actor=staff, dossiers=passed, starts_on=dt.date(2024, 12, 23))
    with replayed_clock(_when("2024-12-28T09:00:00")):
        for batch in outcome.batches:
            publicity_close(actor=staff, batch=batch)
    conferrable = list(Dossier.objects.filter(pk__in=[d.pk for d in outcome.published],
                                              state=DossierState.RESULT_PUBLICITY_DONE).order_by("id"))
    with replayed_clock(_when("2024-12-30T10:00:00")):
        document = title_document_approve(actor=leader, dossiers=conferrable, number=DOCUMENT_NUMBER,
                                          issued_on=dt.date(2024, 12, 30))
        run = IssueRun.objects.create(document=document, started_by=staff, total=len(conferrable))
        certificates_issue_run(run_id=run.pk)
    last = document.certificates.order_by("-number").first()
    with replayed_clock(_when("2025-03-03T10:00:00")):
        certificate_revoke(actor=leader, certificate=last, reason=RevocationReason.FRAUD,
                           decision_document="新组发〔2025〕3号", note="经核查，申报业绩材料弄虚作假")
    return document.certificates.count()
