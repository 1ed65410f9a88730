"""Who enters a result, what R-PLAGIARISM then says, and refusals that save nothing (§六(七))."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage

from zhicheng.audit.events import EventType
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError
from zhicheng.eligibility.services import eligibility_current
from zhicheng.files.tests.samples import pdf_bytes
from zhicheng.similarity.models import SimilarityResult, SimilaritySource
from zhicheng.similarity.services import similarity_record

pytestmark = pytest.mark.django_db


def plagiarism(dossier, paper):
    check = eligibility_current(dossier=dossier)
    return next(f for f in check.findings if f["rule"] == "R-PLAGIARISM" and f["subject"] == f"achievement:{paper.pk}")


class TestOffice:
    @pytest.mark.parametrize(("percent", "blocking"), [("15.00", False), ("15.01", True)])
    def test_core_journal_limit_read_from_the_office_result(self, tree, dossier, indexed, percent, blocking):
        similarity_record(dossier=dossier, achievement_id=indexed.pk, actor=tree["office_staff"], percent=percent,
                          reference_no="CNKI-2024-0001")
        assert plagiarism(dossier, indexed)["blocking"] is blocking
        row = SimilarityResult.objects.get(achievement_id=indexed.pk)
        assert row.source == SimilaritySource.OFFICE and row.entered_by == tree["office_staff"]
        assert row.entered_by_organisation == tree["office"]
        recorded = AuditEvent.objects.filter(event_type=EventType.ELIGIBILITY_SIMILARITY_RECORDED)
        assert recorded.filter(actor=tree["office_staff"]).count() == 1

    def test_no_result_yet_warns_but_does_not_block(self, dossier, indexed):
        finding = plagiarism(dossier, indexed)
        assert not finding["ok"] and not finding["blocking"] and "待职改办录入" in finding["message_zh"]

    def test_correction_replaces_and_audits_the_old_value(self, tree, dossier, indexed):
        for percent in ("20.00", "9.50"):
            similarity_record(dossier=dossier, achievement_id=indexed.pk, actor=tree["office_staff"],
                              percent=percent, reference_no="CNKI-1")
        assert SimilarityResult.objects.get().percent == 9.5
        last = AuditEvent.objects.filter(event_type=EventType.ELIGIBILITY_SIMILARITY_RECORDED).order_by("pk").last()
        assert last.data["before"]["percent"] == "20.00"
        assert not plagiarism(dossier, indexed)["blocking"]

    def test_the_applicants_own_column_is_never_read(self, tree, dossier, indexed):
        type(indexed).objects.filter(pk=indexed.pk).update(similarity_percent="99.00")
        assert not plagiarism(dossier, indexed)["blocking"]

    @pytest.mark.parametrize("percent", ["100.01", "-1", "12.345", "abc"])
    def test_bad_percent_saves_nothing(self, tree, dossier, indexed, percent):
        with pytest.raises(ApplicationError) as exc:
            similarity_record(dossier=dossier, achievement_id=indexed.pk, actor=tree["office_staff"],
                              percent=percent, reference_no="CNKI-1")
        assert exc.value.status == 400
        assert not SimilarityResult.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.ELIGIBILITY_SIMILARITY_RECORDED).exists()

    def test_reference_number_required(self, tree, dossier, indexed):
        with pytest.raises(ApplicationError):
            similarity_record(dossier=dossier, achievement_id=indexed.pk, actor=tree["office_staff"], percent="5")
        assert not SimilarityResult.objects.exists()


class TestWhoMayEnter:
    @pytest.mark.parametrize("who", ["applicant", "unit_clerk", "other_clerk", "department_clerk", "observer"])
    def test_only_the_office_for_an_indexed_paper(self, tree, dossier, indexed, who):
        with pytest.raises(ApplicationError) as exc:
            similarity_record(dossier=dossier, achievement_id=indexed.pk, actor=tree[who], percent="5",
                              reference_no="CNKI-1")
        assert exc.value.status in (403, 404)
        assert not SimilarityResult.objects.exists()

    @pytest.mark.parametrize("who", ["applicant", "office_staff", "other_clerk", "department_clerk"])
    def test_only_the_applicants_unit_for_an_unindexed_paper(self, tree, dossier, unindexed, who):
        with pytest.raises(ApplicationError) as exc:
            similarity_record(dossier=dossier, achievement_id=unindexed.pk, actor=tree[who], percent="5",
                              report=io.BytesIO(pdf_bytes()), report_name="report.pdf")
        assert exc.value.status in (403, 404)
        assert not SimilarityResult.objects.exists()

    def test_a_paper_of_another_dossier_is_not_found(self, tree, dossier, indexed):
        from zhicheng.review.tests.factories import campaign_2024, submitted_dossier

        other = submitted_dossier(tree["other_applicant"], campaign_2024())
        with pytest.raises(ApplicationError) as exc:
            similarity_record(dossier=other, achievement_id=indexed.pk, actor=tree["office_staff"], percent="5",
                              reference_no="CNKI-1")
        assert exc.value.status == 404


class TestUnit:
    def test_unit_records_with_its_stamped_report(self, tree, dossier, unindexed):
        similarity_record(dossier=dossier, achievement_id=unindexed.pk, actor=tree["unit_clerk"], percent="25.00",
                          report=io.BytesIO(pdf_bytes()), report_name="查重报告单.pdf")
        row = SimilarityResult.objects.get(achievement_id=unindexed.pk)
        assert row.source == SimilaritySource.UNIT and row.entered_by_organisation == tree["unit"]
        assert row.report_name == "查重报告单.pdf" and default_storage.exists(row.report.name)
        assert plagiarism(dossier, unindexed)["ok"]  # provincial ≤ 25 %

    def test_report_is_required(self, tree, dossier, unindexed):
        with pytest.raises(ApplicationError) as exc:
            similarity_record(dossier=dossier, achievement_id=unindexed.pk, actor=tree["unit_clerk"], percent="5")
        assert exc.value.code == "similarity_report_required"
        assert not SimilarityResult.objects.exists()

    def test_bad_percent_leaves_no_file(self, tree, dossier, unindexed, settings):
        import os

        with pytest.raises(ApplicationError):
            similarity_record(dossier=dossier, achievement_id=unindexed.pk, actor=tree["unit_clerk"],
                              percent="25.001", report=io.BytesIO(pdf_bytes()), report_name="r.pdf")
        stored = [f for _, _, files in os.walk(settings.MEDIA_ROOT) for f in files]
        assert stored == [] and not SimilarityResult.objects.exists()

    def test_a_report_that_is_not_a_document_is_refused(self, tree, dossier, unindexed):
        with pytest.raises(ApplicationError):
            similarity_record(dossier=dossier, achievement_id=unindexed.pk, actor=tree["unit_clerk"], percent="5",
                              report=io.BytesIO(b"MZ\x90\x00 not a pdf"), report_name="r.pdf")
        assert not SimilarityResult.objects.exists()
