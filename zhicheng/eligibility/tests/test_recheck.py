"""The batch recheck after the office edits a threshold: only the affected findings change, counted."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from zhicheng.dossiers.tests.factories import at, dossier_for, fill
from zhicheng.eligibility import services
from zhicheng.eligibility.models import EligibilityCheck, RecheckRun
from zhicheng.eligibility.selectors import eligibility_latest

from .helpers import INSIDE, add_months, office_result

pytestmark = pytest.mark.django_db


def _made(campaign, applicant, months: int, similarity: str):
    with at(INSIDE):
        dossier = dossier_for(applicant, campaign)
        fill(dossier, applicant)
        code = dossier.socialsecuritymonth_items.first().credit_code
        add_months(dossier, applicant, [f"2024-{m:02d}" for m in range(4, 4 + months - 1)], credit_code=code)
        office_result(dossier, dossier.achievement_items.get(), similarity)
    return dossier


@pytest.fixture
def three(campaign, tree, fake_rules):
    """A: 6 months, 12.50 %; B: 7 months, 14.50 %; C: 6 months, 15.00 % — all pass today."""
    return {
        "A": _made(campaign, tree["applicant"], 6, "12.50"),
        "B": _made(campaign, tree["other_applicant"], 7, "14.50"),
        "C": _made(campaign, tree["agency_applicant"], 6, "15.00"),
    }


def _ok(dossier, rule):
    return next(f["ok"] for f in eligibility_latest(dossier).findings if f["rule"] == rule)


def _run(campaign):
    run = services.recheck_run_create(campaign=campaign)
    with at("2024-10-02T09:00:00+08:00"):
        return services.recheck_run_execute(run=run, progress_every=1)


class TestRecheck:
    def test_nothing_changed_nothing_counted(self, campaign, three):
        before = EligibilityCheck.objects.count()
        run = _run(campaign)
        assert (run.total, run.done, run.dossiers_changed, run.findings_changed) == (3, 3, 0, 0)
        assert EligibilityCheck.objects.count() == before and run.finished_at is not None

    def test_socsec_months_6_to_7(self, campaign, three):
        assert all(_ok(d, "R-SOCSEC") for d in three.values())
        campaign.social_security_months = 7
        campaign.save()
        run = _run(campaign)
        assert (run.dossiers_changed, run.findings_changed) == (2, 2)
        assert sorted(run.changed_dossier_ids) == sorted([three["A"].pk, three["C"].pk])
        assert not _ok(three["A"], "R-SOCSEC") and _ok(three["B"], "R-SOCSEC") and not _ok(three["C"], "R-SOCSEC")
        assert all(_ok(d, "R-PLAGIARISM") for d in three.values())

    def test_similarity_15_to_14(self, campaign, three):
        campaign.similarity_core_max = Decimal("14.00")
        campaign.save()
        run = _run(campaign)
        assert (run.dossiers_changed, run.findings_changed) == (2, 2)
        assert sorted(run.changed_dossier_ids) == sorted([three["B"].pk, three["C"].pk])
        assert _ok(three["A"], "R-PLAGIARISM") and all(_ok(d, "R-SOCSEC") for d in three.values())

    def test_withdrawn_dossiers_are_skipped(self, campaign, three):
        from zhicheng.dossiers.models import Dossier

        Dossier.objects.filter(pk=three["A"].pk).update(state="withdrawn")
        assert _run(campaign).total == 2


class TestCommand:
    def test_wait_prints_counts(self, campaign, three):
        campaign.social_security_months = 7
        campaign.save()
        out = io.StringIO()
        with at("2024-10-02T09:00:00+08:00"):
            call_command("eligibility_recheck", "--campaign", "2024", "--wait", stdout=out)
        assert "dossiers=3 dossiers_changed=2 findings_changed=2" in out.getvalue()
        assert "共 3 份申报材料，2 份结果有变化，2 项检查结果变化" in out.getvalue()

    def test_enqueued_task_runs_on_the_worker(self, campaign, three):
        campaign.similarity_core_max = Decimal("14.00")
        campaign.save()
        out = io.StringIO()
        with at("2024-10-02T09:00:00+08:00"):
            call_command("eligibility_recheck", "--campaign", "2024", stdout=out)  # immediate backend in tests
        run = RecheckRun.objects.get()
        assert run.finished_at is not None and run.findings_changed == 2
        assert "findings_changed=2" in out.getvalue()

    def test_unknown_campaign(self, campaign):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="1999"):
            call_command("eligibility_recheck", "--campaign", "1999")
