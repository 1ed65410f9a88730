"""seed_demo's dossiers: drafts and submitted ones, real evidence files, frozen versions, each case's facts."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from zhicheng.audit.models import AuditEvent
from zhicheng.campaigns.models import Campaign
from zhicheng.demo.cases import CASES, CASES_BY_CODE
from zhicheng.demo.dossiers import PARTIAL_DRAFTS, submits
from zhicheng.demo.organisations import BY_KEY
from zhicheng.demo.people import demo_people
from zhicheng.demo.seeding import seed_demo
from zhicheng.dossiers.models import (
    Dossier,
    DossierState,
    DossierVersion,
    EvidenceFile,
    PledgeSignature,
    SocialSecurityMonth,
)
from zhicheng.dossiers.snapshot import snapshot_sha256

MAGIC = {"pdf": b"%PDF-", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n"}
USERNAMES = {p.case.code: p.username for p in demo_people() if p.case is not None}


# A database test, so pytest-django runs it before the transactional tests, whose flush empties the catalog
pytestmark = pytest.mark.django_db

@pytest.fixture
def campaign(seeded, db):
    return Campaign.objects.get(year=2024)


def dossier_of(code: str) -> Dossier:
    return Dossier.objects.select_related("organisation", "series", "level").get(
        applicant__username=USERNAMES[code], campaign__year=2024
    )


def _stored_sha256(evidence: EvidenceFile) -> str:
    with default_storage.open(evidence.file.name, "rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest()


class TestStates:
    def test_every_applicant_has_one_dossier_submitted_or_draft_as_its_case_says(self, campaign):
        dossiers = Dossier.objects.filter(campaign=campaign)
        assert dossiers.count() == len(CASES)
        # submitted in the window; review_chain.py has since moved some on (test_demo_review_chain.py)
        submitted = set(dossiers.exclude(state=DossierState.DRAFT).values_list("applicant__username", flat=True))
        assert submitted == {USERNAMES[c.code] for c in CASES if submits(c)}
        assert len(submitted) == 41
        assert dossiers.filter(state=DossierState.DRAFT).count() == len(CASES) - 41 == 28
        assert 8 <= len(PARTIAL_DRAFTS) <= 10

    def test_cases_with_expected_findings_are_complete_drafts(self, campaign):
        for case in CASES:
            if case.expected:
                dossier = dossier_of(case.code)
                assert dossier.state == DossierState.DRAFT, case.code
                assert dossier.continuingeducation_items.exists() and dossier.annualassessment_items.exists()

    def test_partial_drafts_miss_some_sections(self, campaign):
        for code in PARTIAL_DRAFTS:
            dossier = dossier_of(code)
            assert dossier.state == DossierState.DRAFT
            assert hasattr(dossier, "identity") and dossier.educationrecord_items.exists()
            assert not dossier.annualassessment_items.exists(), code

    def test_submissions_happened_inside_the_window_in_its_last_days(self, campaign):
        for dossier in Dossier.objects.filter(campaign=campaign).exclude(state=DossierState.DRAFT):
            assert campaign.submission_opens_at <= dossier.submitted_at < campaign.submission_closes_at
            assert dossier.submitted_at >= dt.datetime(2024, 9, 27, tzinfo=dt.UTC) - dt.timedelta(hours=8)


class TestVersionsAndFiles:
    def test_each_submitted_dossier_has_one_version_whose_hashes_match_the_stored_files(self, campaign):
        submitted = Dossier.objects.filter(campaign=campaign).exclude(state=DossierState.DRAFT)
        assert submitted.exists()
        for dossier in submitted:
            versions = list(DossierVersion.objects.filter(dossier=dossier))
            assert len(versions) == 1
            version = versions[0]
            assert version.sha256 == snapshot_sha256(version.snapshot)
            assert version.pledge.snapshot_sha256 == version.sha256
            files = {f.pk: f for f in EvidenceFile.objects.filter(dossier=dossier, deleted_at__isnull=True)}
            assert [e["id"] for e in version.snapshot["evidence"]] == sorted(files)
            assert version.file_hashes == [files[pk].sha256 for pk in sorted(files)]
            assert all(_stored_sha256(files[pk]) == files[pk].sha256 for pk in files)

    def test_every_evidence_file_is_what_its_kind_says_and_small(self, campaign):
        evidence = EvidenceFile.objects.filter(dossier__campaign=campaign)
        assert evidence.count() >= 400
        assert set(evidence.values_list("kind", flat=True)) == {"pdf", "jpeg", "png"}
        for row in evidence:
            with default_storage.open(row.file.name, "rb") as stored:
                data = stored.read()
            assert data.startswith(MAGIC[row.kind]), row.original_name
            assert len(data) == row.size < 100 * 1024
            assert (row.page_count or 0) >= (1 if row.kind == "pdf" else 0)

    def test_each_submitted_dossier_has_files_on_its_main_sections(self, campaign):
        for dossier in Dossier.objects.filter(campaign=campaign).exclude(state=DossierState.DRAFT):
            sections = set(dossier.evidence_files.values_list("section", flat=True))
            assert {"identity", "education", "work_history", "social_security", "continuing_education"} <= sections


class TestIdempotent:
    def test_a_second_seed_creates_nothing(self, campaign):
        def counts():
            return (Dossier.objects.count(), EvidenceFile.objects.count(), DossierVersion.objects.count(),
                    PledgeSignature.objects.count(), SocialSecurityMonth.objects.count(), AuditEvent.objects.count())

        before = counts()
        seed_demo()
        assert counts() == before


class TestCaseFacts:
    def test_social_security_months_by_the_applying_unit(self, campaign):
        for code, months in (("SOCSEC-5-MONTHS", 5), ("SOCSEC-6-MONTHS", 6), ("ENGINEER-01", 12)):
            dossier = dossier_of(code)
            rows = SocialSecurityMonth.objects.filter(dossier=dossier)
            assert rows.count() == months
            assert set(rows.values_list("credit_code", flat=True)) == {dossier.organisation.credit_code}
            assert max(rows.values_list("month", flat=True)) == dt.date(2024, 9, 1)

    @pytest.mark.parametrize(("code", "missing"), [("UNIT-CHANGE-CONTINUOUS", set()),
                                                   ("UNIT-CHANGE-GAP", {dt.date(2024, 4, 1), dt.date(2024, 5, 1)})])
    def test_unit_change_months(self, campaign, code, missing):
        dossier = dossier_of(code)
        months = sorted(SocialSecurityMonth.objects.filter(dossier=dossier).values_list("month", "credit_code"))
        own = [m for m, c in months if c == dossier.organisation.credit_code]
        assert own == [dt.date(2024, m, 1) for m in range(6, 10)]
        before = {m for m, c in months if c != dossier.organisation.credit_code}
        wanted = {dt.date(2023, m, 1) for m in range(10, 13)} | {dt.date(2024, m, 1) for m in range(1, 6)}
        assert before == set(sorted(wanted - missing)[-6:])

    def test_papers_carry_the_offices_similarity_result(self, campaign):
        """§六(七): the office's CNKI result, entered by its staff; the applicant's own column stays empty."""
        from zhicheng.similarity.models import SimilarityResult

        for code, tier, similarity in (("PAPER-CORE-15.00", "core", "15.00"), ("PAPER-CORE-15.01", "core", "15.01"),
                                       ("PAPER-PROVINCIAL-25.01", "provincial", "25.01")):
            paper = dossier_of(code).achievement_items.get(kind="paper")
            assert (paper.tier, paper.similarity_percent, paper.cnki_indexed) == (tier, None, True)
            result = SimilarityResult.objects.select_related("entered_by_organisation").get(achievement_id=paper.pk)
            assert result.percent == Decimal(similarity) and result.source == "office"
            assert result.entered_by_organisation.name == BY_KEY["zgb"].name

    def test_identity_facts(self, campaign):
        assert dossier_of("RETIRE-WOMAN-WORKER-1974").identity.retirement_category == "worker50"
        assert dossier_of("RETIRE-WOMAN-CADRE-1969").identity.retirement_category == "cadre55"
        assert dossier_of("CIVIL-SERVANT").identity.is_civil_servant is True
        assert dossier_of("ENGINEER-01").identity.is_civil_servant is False
        assert dossier_of("SANCTION-IN-EFFECT").identity.sanction_to == dt.date(2025, 3, 31)
        assert dossier_of("FLEXIBLE-OTHER-HUKOU").identity.household_province == "河南省"
        assert dossier_of("FLEXIBLE-GANSU-HUKOU").identity.employment == "flexible"
        assert dossier_of("AGENCY-CLIENT-PARK").identity.employment == "agency_client"
        assert dossier_of("ENGINEER-01").identity.employment == "unit_staff"

    def test_targets_and_titles(self, campaign):
        assert dossier_of("GRASSROOTS-SENIOR").scope == dossier_of("NURSE-TOWNSHIP").scope == "grassroots"
        assert dossier_of("SKILLED-WORKER-ECONOMICS").category == "skilled"
        assert dossier_of("SENIOR-ENTRUSTED").route == "entrusted"
        assert dossier_of("ENGINEER-01").route == "self"
        assert dossier_of("NARROW-SCOPE-HOLDER").titleheld_items.get().scope == "enterprise"
        assert not dossier_of("SKILLED-WORKER-ENGINEERING").titleheld_items.exists()

    def test_transfers_have_the_unit_assessment(self, campaign):
        for code, year in (("SERIES-TRANSFER", 2023), ("SERIES-TRANSFER-HIGHER", 2024)):
            dossier = dossier_of(code)
            transfer = dossier.seriestransfer_items.get()
            assert transfer.transferred_on.year == year
            assert dossier.evidence_files.filter(section="series_transfer", purpose="unit_assessment").exists()
            assert dossier.titleheld_items.get().series.name == "农业"

    def test_achievements(self, campaign):
        award = dossier_of("EXCEPTIONAL-PROMOTION").achievement_items.get(kind="award")
        assert award.waiver is not None and "二等奖" in award.waiver.name
        late = dossier_of("ACHIEVEMENT-AFTER-CUTOFF").achievement_items.get(kind="patent")
        assert late.achieved_on == dt.date(2024, 10, 8)

    def test_continuing_education_and_assessments(self, campaign):
        ce = dossier_of("CE-90-59").continuingeducation_items.get()
        assert (ce.year, ce.general_hours, ce.specialty_hours) == (2023, 31, 59)
        assert dossier_of("CE-90-59").evidence_files.filter(purpose="ce_certificate").exists()
        years = dossier_of("ENGINEER-01").annualassessment_items.values_list("year", flat=True)
        assert sorted(years) == [2019, 2020, 2021, 2022, 2023]

    def test_central_unit_branch_has_no_entrustment_letter(self, campaign):
        dossier = dossier_of("CENTRAL-UNIT-BRANCH")
        assert BY_KEY[CASES_BY_CODE["CENTRAL-UNIT-BRANCH"].unit].outside_branch
        assert not dossier.evidence_files.filter(purpose="entrustment_letter").exists()
        assert dossier.evidence_files.exists()

    def test_rural_service(self, campaign):
        assert dossier_of("RURAL-TEACHER-30-YEARS").ruralservice_items.get().years == 30
        assert dossier_of("RURAL-TEACHER-20-YEARS").ruralservice_items.get().years == 20


class TestEligibility:
    def test_each_case_gets_the_findings_it_was_built_for(self, campaign):
        from zhicheng.eligibility.selectors import eligibility_latest

        for case in CASES:
            if case.code in PARTIAL_DRAFTS:  # half filled in: "incomplete" findings are what they should show
                continue
            check = eligibility_latest(dossier_of(case.code))
            not_ok = {f["rule"] for f in check.findings if not f["ok"]}
            blocking = {f["rule"] for f in check.findings if f["blocking"]}
            assert set(case.expected) <= not_ok, case.code
            assert blocking <= set(case.expected), case.code

    def test_partial_drafts_are_told_what_is_missing(self, campaign):
        from zhicheng.eligibility.selectors import eligibility_latest

        for code in PARTIAL_DRAFTS:
            check = eligibility_latest(dossier_of(code))
            assert any(f["rule"] == "R-CE" and f["missing"] for f in check.findings), code
