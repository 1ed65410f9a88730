"""Facts from a dossier and parameters from a campaign: the right values, a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhicheng.dossiers.models import EvidenceFile
from zhicheng.dossiers.tests.factories import at, engineering, valid_row
from zhicheng.eligibility.selectors import campaign_params, dossier_facts, reference_date

from .helpers import add_months, submit

pytestmark = pytest.mark.django_db


def unit_result(dossier, paper, percent: str):
    """The unit's result with its stamped report (§六(七)), as the similarity service stores it."""
    from zhicheng.similarity.models import SimilarityResult

    return SimilarityResult.objects.create(
        dossier=dossier, achievement_id=paper.pk, source="unit", percent=Decimal(percent), report="similarity/r.pdf",
        entered_by=dossier.applicant, entered_by_organisation=dossier.organisation, entered_at=dt.datetime.now(dt.UTC))


def _file(dossier, section, item_id, purpose, deleted=False):
    return EvidenceFile.objects.create(
        dossier=dossier, section=section, item_id=item_id, purpose=purpose, kind="pdf", file="evidence/x.pdf",
        original_name="x.pdf", size=1, sha256="0" * 64, uploaded_by=dossier.applicant,
        deleted_at=dt.datetime(2024, 9, 1, tzinfo=dt.UTC) if deleted else None,
    )


class TestDossierFacts:
    def test_values_from_every_section(self, dossier, applicant):
        paper = dossier.achievement_items.get()
        ce = dossier.continuingeducation_items.get()
        _file(dossier, "achievement", paper.pk, "similarity_report")  # the applicant's upload counts for nothing
        unit_result(dossier, paper, "12.50")
        _file(dossier, "continuing_education", ce.pk, "ce_certificate", deleted=True)
        facts = dossier_facts(dossier)
        assert facts.target.series == "工程" and facts.target.level_rank == 4
        assert facts.target.title == "高级工程师"
        assert facts.applicant.retirement_category == "cadre55" and facts.applicant.is_civil_servant is False
        assert facts.applicant.sex in ("M", "F") and facts.applicant.birth_date is not None
        assert facts.organisation.name == "第一中学" and facts.organisation.kind == "unit"
        assert facts.social_security[0].month == dt.date(2024, 3, 1)
        assert facts.achievements[0].similarity_percent == Decimal("12.50")
        assert facts.achievements[0].has_similarity_report is True
        assert facts.continuing_education[0].has_certificate is False  # the certificate was deleted
        assert facts.titles[0].level_rank == 3 and facts.titles[0].obtained_on == dt.date(2015, 12, 1)
        assert facts.rural_service_years == 21 and facts.rural_remote_area is True
        assert facts.exemptions[0].kind == "legal_rep"
        assert facts.reference_date == dt.date(2024, 10, 1)

    def test_without_identity_section_the_facts_are_none(self, campaign, applicant, inside_window, fake_rules):
        from zhicheng.dossiers.tests.factories import dossier_for

        facts = dossier_facts(dossier_for(applicant, campaign))
        assert facts.applicant.retirement_category is None and facts.applicant.is_civil_servant is None
        assert facts.social_security == () and facts.rural_service_years is None

    def test_query_count_does_not_grow_with_rows(self, dossier, applicant, django_assert_num_queries):
        with django_assert_num_queries(15):  # 15 with the integrity record (R-INTEGRITY)
            dossier_facts(dossier)
        add_months(dossier, applicant, ["2024-04", "2024-05", "2024-06"])
        from zhicheng.dossiers.services import section_item_create

        for _ in range(3):
            section_item_create(dossier=dossier, actor=applicant, section="achievement",
                                data=valid_row("achievement"))
        with django_assert_num_queries(15):  # 15 with the integrity record (R-INTEGRITY)
            facts = dossier_facts(dossier)
        assert len(facts.social_security) == 4 and len(facts.achievements) == 4

    def test_reference_date_is_the_submission_day(self, dossier, applicant):
        add_months(dossier, applicant, ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08"],
                   credit_code=dossier.socialsecuritymonth_items.first().credit_code)
        with at("2024-10-08T23:59:59+08:00"):
            submit(dossier, applicant)
        dossier.refresh_from_db()
        with at("2024-11-20T10:00:00+08:00"):
            assert reference_date(dossier) == dt.date(2024, 10, 8)


class TestCampaignParams:
    def test_thresholds_dates_and_catalog(self, campaign, django_assert_num_queries):
        series, level = engineering("副高级")
        with django_assert_num_queries(3):
            params = campaign_params(campaign, series=series, level=level)
        assert params.year == 2024 and params.social_security_months == 6
        assert params.similarity_core_max == Decimal("15.00")
        assert params.submission_closes_on == dt.date(2024, 10, 10)
        assert params.ce_specialty_share == (2, 3)
        assert params.conditions and all(c.below_series for c in params.conditions if c.min_years)
        assert "工程" in params.skilled_series or params.skilled_series
