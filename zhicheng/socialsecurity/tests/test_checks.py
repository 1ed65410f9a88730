"""Matching the bureau's rows to dossiers: R-SOCSEC on the bureau's months, mismatches, supersession."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.socialsecurity.models import ContributionCheck
from zhicheng.socialsecurity.services import contribution_import_create

from .conftest import bureau_rows, csv_text, months, submitted_dossier

pytestmark = pytest.mark.django_db


def run_import(campaign, tree, rows, name="社保.csv"):
    data = csv_text(rows).encode()
    return contribution_import_create(campaign=campaign, upload=SimpleUploadedFile(name, data),
                                      actor=tree["office_staff"])


def current(dossier) -> ContributionCheck:
    return ContributionCheck.objects.get(dossier=dossier, is_current=True)


def months_finding(check):
    return next(f for f in check.findings if f["subject"] == "months")


class TestSocsecRerun:
    def test_six_bureau_months_from_the_unit_pass(self, campaign, tree):
        six = months("2024-04", 6)
        dossier = submitted_dossier(tree["applicant"], campaign, declared_months=six)
        row = run_import(campaign, tree, bureau_rows(tree["applicant"], tree["unit"], six))
        check = current(dossier)
        assert row.dossiers_matched == 1
        assert check.socsec_ok and check.mismatch_count == 0 and check.bureau_months == 6
        assert months_finding(check)["facts_used"]["months"] == 6

    def test_five_bureau_months_fail_even_when_six_are_declared(self, campaign, tree):
        dossier = submitted_dossier(tree["applicant"], campaign, declared_months=months("2024-04", 6))
        run_import(campaign, tree, bureau_rows(tree["applicant"], tree["unit"], months("2024-05", 5)))
        check = current(dossier)
        assert not check.socsec_ok
        assert months_finding(check)["facts_used"]["months"] == 5 and months_finding(check)["blocking"]
        assert check.mismatches == [{"kind": "missing", "month": "2024-04", "credit_code": tree["unit"].credit_code,
                                     "unit_name": tree["unit"].name}]

    def test_declared_month_paid_by_another_unit_and_undeclared_bureau_month(self, campaign, tree):
        declared = months("2024-03", 7)
        dossier = submitted_dossier(tree["applicant"], campaign, declared_months=declared)
        other = tree["other_unit"]
        rows = [*bureau_rows(tree["applicant"], other, months("2024-03", 1)),
                *bureau_rows(tree["applicant"], tree["unit"], months("2024-04", 7))]  # 04 … 10
        run_import(campaign, tree, rows)
        check = current(dossier)
        assert [(m["kind"], m["month"]) for m in check.mismatches] == [("other_payer", "2024-03"),
                                                                       ("undeclared", "2024-10")]
        assert check.mismatches[0]["bureau_unit_name"] == other.name

    def test_months_after_the_submission_month_are_not_compared(self, campaign, tree):
        dossier = submitted_dossier(tree["applicant"], campaign, declared_months=months("2024-04", 6))
        run_import(campaign, tree, bureau_rows(tree["applicant"], tree["unit"], months("2024-04", 8)))  # to 2024-11
        assert [m["month"] for m in current(dossier).mismatches] == ["2024-10"]

    def test_drafts_withdrawn_and_other_people_are_not_matched(self, campaign, tree):
        dossier = submitted_dossier(tree["applicant"], campaign)
        Dossier.objects.filter(pk=dossier.pk).update(state=DossierState.WITHDRAWN)
        row = run_import(campaign, tree, bureau_rows(tree["applicant"], tree["unit"], months("2024-04", 6))
                         + bureau_rows(tree["other_applicant"], tree["unit"], months("2024-04", 6)))
        assert row.dossiers_matched == 0 and not ContributionCheck.objects.exists()


class TestSupersede:
    def test_a_later_import_replaces_the_check_of_the_people_it_contains(self, campaign, tree):
        first_dossier = submitted_dossier(tree["applicant"], campaign, declared_months=months("2024-04", 6))
        second_dossier = submitted_dossier(tree["other_applicant"], campaign, declared_months=months("2024-04", 6))
        first = run_import(campaign, tree, bureau_rows(tree["applicant"], tree["unit"], months("2024-05", 5))
                           + bureau_rows(tree["other_applicant"], tree["unit"], months("2024-04", 6)))
        assert not current(first_dossier).socsec_ok
        second = run_import(campaign, tree, bureau_rows(tree["applicant"], tree["unit"], months("2024-04", 6)))
        assert current(first_dossier).socsec_ok and current(first_dossier).contribution_import == second
        assert current(second_dossier).contribution_import == first  # not in the later file: kept
        assert ContributionCheck.objects.filter(dossier=first_dossier).count() == 2


class TestMatchFailure:
    def test_a_broken_match_fails_the_import_but_keeps_its_rows(self, campaign, tree):
        from unittest import mock

        from zhicheng.socialsecurity.models import ContributionRecord, ImportStatus

        submitted_dossier(tree["applicant"], campaign, declared_months=months("2024-04", 6))
        with mock.patch("zhicheng.socialsecurity.matching.dossier_facts", side_effect=RuntimeError("boom")):
            row = run_import(campaign, tree, bureau_rows(tree["applicant"], tree["unit"], months("2024-04", 6)))
        assert row.status == ImportStatus.FAILED and "比对" in row.failure_zh
        assert ContributionRecord.objects.filter(contribution_import=row).count() == 6
        assert not ContributionCheck.objects.exists()


class TestShownOnTheDossierPage:
    """The reviewer sees the bureau's verdict beside the dossier; the applicant does not."""

    def test_reviewer_sees_the_mismatch_applicant_does_not(self, campaign, tree, client):
        from django.urls import reverse

        from zhicheng.accounts.tests.factories import login_verified

        dossier = submitted_dossier(tree["applicant"], campaign, declared_months=months("2024-04", 6))
        run_import(campaign, tree, bureau_rows(tree["applicant"], tree["unit"], months("2024-05", 5)))
        url = reverse("dossiers:detail", args=[dossier.pk])
        login_verified(client, tree["unit_clerk"])
        page = client.get(url).content.decode()
        assert "社保核验（社保局数据）" in page and "申报填写，社保局无缴费记录" in page and "不满足" in page
        client.force_login(tree["applicant"])
        assert "社保核验（社保局数据）" not in client.get(url).content.decode()
