"""seed_scale: a large data set written in bulk (COPY on PostgreSQL, executemany elsewhere) that the product reads
as if its services had written it: holders, state history, audit chain, and drafts an applicant can submit."""

from __future__ import annotations

import io
import itertools
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from zhicheng.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from zhicheng.audit.verify import audit_chain_verify
from zhicheng.campaigns.models import Campaign, CampaignStatus
from zhicheng.campaigns.selectors import campaign_submission_is_open
from zhicheng.demo.scale import STATE_MIX, SURGE_USERNAME, seed_scale, state_paths
from zhicheng.dossiers.holders import holder_organisation
from zhicheng.dossiers.models import (
    ContinuingEducation,
    Dossier,
    DossierState,
    DossierStateChange,
    DossierVersion,
    EvidencePurpose,
)
from zhicheng.files.tests.samples import pdf_bytes

pytestmark = pytest.mark.django_db


def test_every_state_has_a_path_from_a_draft():
    paths = state_paths()
    assert set(DossierState.values) <= set(paths)
    assert [step[2] for step in paths[DossierState.RECOMMENDED]] == [
        "submit", "unit_pass", "publicity_publish", "publicity_close", "unit_recommend"]
    assert paths[DossierState.CONFERRED][-1][:2] == (DossierState.RESULT_PUBLICITY_DONE, DossierState.CONFERRED)


def test_the_data_set_has_every_state_with_its_holder_history_and_audit():
    report = seed_scale(dossiers=60, ready=3)

    dossiers = Dossier.objects.select_related("organisation__parent__parent")
    assert dossiers.count() == 63
    assert set(dossiers.values_list("state", flat=True)) == set(STATE_MIX)
    assert report.counts["dossiers.Dossier"] == 63 and report.rows == sum(report.counts.values())
    units = Organisation.objects.filter(kind=OrganisationKind.UNIT)
    assert units.exists() and all(u.parent.kind == OrganisationKind.DEPARTMENT for u in units)
    assert all(u.parent.parent.kind == OrganisationKind.OFFICE for u in units)
    for dossier in dossiers:
        # the holder as dossier_transition would have left it, and since when: the step that handed it over
        expected = holder_organisation(dossier)
        assert dossier.held_by_id == getattr(expected, "pk", None), dossier.state
        history = list(DossierStateChange.objects.filter(dossier=dossier).order_by("at", "id"))
        if dossier.state == DossierState.DRAFT:
            assert history == [] and dossier.held_since is None
            continue
        assert history[0].from_state == DossierState.DRAFT and history[-1].to_state == dossier.state
        assert all(a.to_state == b.from_state for a, b in itertools.pairwise(history))
        assert dossier.held_since in {change.at for change in history}
        assert dossier.held_since <= timezone.now()
        assert DossierVersion.objects.filter(dossier=dossier).exists() == (dossier.submitted_at is not None)
    # the queues' maintained counts and the stored applicant names match the loaded rows
    from zhicheng.review.tests.test_queue_counts import fresh_counts, summary_counts

    assert summary_counts() == fresh_counts()
    # the row's blocking count is its latest check's (the queues filter on it); some submitted dossiers block
    from zhicheng.eligibility.selectors import eligibility_latest

    for dossier in dossiers:
        latest = eligibility_latest(dossier)
        assert dossier.blocking_findings == (latest.blocking_count if latest else None)
    assert dossiers.filter(blocking_findings__gt=0).exists() and dossiers.filter(blocking_findings=0).exists()
    assert all(d.applicant_name == d.applicant.real_name for d in dossiers.select_related("applicant"))
    # what is in unit publicity now is on the public list; what went through it has a closed entry
    from zhicheng.publicity.models import PublicityEntry

    running = Dossier.objects.filter(state=DossierState.IN_PUBLICITY)
    assert set(PublicityEntry.objects.filter(closed_at__isnull=True).values_list("dossier", flat=True)) == set(
        running.values_list("pk", flat=True))
    assert PublicityEntry.objects.filter(dossier__state=DossierState.RECOMMENDED, closed_at__isnull=False).exists()
    from zhicheng.publicity.selectors import public_entries

    assert set(running.values_list("pk", flat=True)) <= set(public_entries().values_list("dossier", flat=True))
    # each applicant applies through their unit; the chain of audit rows verifies under the key
    applicant = Dossier.objects.first().applicant
    assert Membership.objects.filter(user=applicant, role=Role.APPLICANT, organisation__kind="unit").exists()
    check = audit_chain_verify()
    assert check.ok, check.message_en
    assert check.count >= report.counts["audit.AuditEvent"]


def test_a_second_run_adds_to_the_data_set_and_ids_continue():
    seed_scale(dossiers=5)
    first_max = Dossier.objects.order_by("-pk").values_list("pk", flat=True).first()
    seed_scale(dossiers=5, seed=7)
    assert Dossier.objects.count() == 10
    # the ids written by hand were followed by the sequences: the ORM's next row does not collide
    org = Organisation.objects.create(name="之后新建的单位", kind=OrganisationKind.DEPARTMENT,
                                      parent=Organisation.objects.filter(kind=OrganisationKind.OFFICE).first())
    assert org.pk > Organisation.objects.exclude(pk=org.pk).order_by("-pk").values_list("pk", flat=True).first()
    assert Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() > first_max
    assert audit_chain_verify().ok


def test_ready_applicants_submit_through_the_services_once_the_certificate_is_attached():
    seed_scale(dossiers=2, ready=2)
    campaign = Campaign.objects.get(status=CampaignStatus.ACTIVE)
    assert campaign_submission_is_open(campaign, timezone.now())
    for n in range(2):  # one man, one woman (the ID number's sex decides the retirement age R-EXCL checks)
        _submit_as(User.objects.get(username=SURGE_USERNAME.format(n)))


def _submit_as(user):
    from zhicheng.dossiers.evidence import evidence_attach
    from zhicheng.dossiers.services import dossier_submit, pledge_sign

    assert user.check_password("Zhicheng-2024!")
    dossier = Dossier.objects.get(applicant=user)
    assert dossier.state == DossierState.DRAFT
    last_ce = ContinuingEducation.objects.filter(dossier=dossier).order_by("-year").first()
    upload = io.BytesIO(pdf_bytes())
    upload.name = "继续教育证书.pdf"
    evidence_attach(dossier=dossier, section="continuing_education", item_id=last_ce.pk, upload=upload, actor=user,
                    purpose=EvidencePurpose.CE_CERTIFICATE)
    dossier.refresh_from_db()
    pledge_sign(dossier=dossier, actor=user, password="Zhicheng-2024!", ip="10.0.0.1", user_agent="pytest")
    dossier_submit(dossier=dossier, actor=user)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.held_by_id == dossier.organisation_id


def test_the_command_prints_rows_per_second_and_refuses_beside_another_active_campaign():
    out = io.StringIO()
    call_command("seed_scale", "--dossiers", "4", stdout=out)
    text = out.getvalue()
    assert "rows/s" in text and ("COPY" if connection.vendor == "postgresql" else "executemany") in text
    Campaign.objects.update(status=CampaignStatus.CLOSED)
    from zhicheng.campaigns.services import campaign_load_from_file

    campaign_load_from_file()  # the 2024 campaign, active
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="another campaign is active"):
        call_command("seed_scale", "--dossiers", "1", stdout=io.StringIO())
    assert Counter(Campaign.objects.values_list("status", flat=True))[CampaignStatus.ACTIVE] == 1
