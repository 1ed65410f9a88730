"""Evaluating and storing findings, the hooks on change and submit, overrides and exemptions."""

from __future__ import annotations

import pytest

from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.services import dossier_submit, section_item_update
from zhicheng.eligibility import services
from zhicheng.eligibility.models import EligibilityCheck, ExemptionState, FindingOverride
from zhicheng.eligibility.selectors import eligibility_latest

from .helpers import add_months, submit, submitted

pytestmark = pytest.mark.django_db


def _finding(check, rule):
    return next(f for f in check.findings if f["rule"] == rule)


class TestEvaluate:
    def test_every_change_stores_a_check_with_its_revision(self, dossier, applicant):
        check = eligibility_latest(dossier)
        assert check.dossier_revision == dossier.revision and check.version is None
        socsec = _finding(check, "R-SOCSEC")
        assert socsec["ok"] is False and socsec["blocking"] and socsec["facts_used"] == {"months": 1, "required": 6}
        assert check.blocking_count == 1 and check.rules_version == "fake-1" and len(check.facts_sha256) == 64
        add_months(dossier, applicant, ["2024-04"])
        dossier.refresh_from_db()
        latest = eligibility_latest(dossier)
        assert latest.pk != check.pk and latest.dossier_revision == dossier.revision
        assert _finding(latest, "R-SOCSEC")["facts_used"]["months"] == 2

    def test_target_change_is_evaluated_too(self, dossier, applicant):
        from zhicheng.dossiers.services import dossier_target_update
        from zhicheng.dossiers.tests.factories import engineering

        series, level = engineering("正高级")
        dossier_target_update(dossier=dossier, actor=applicant, series=series, level=level, scope="province",
                              category="normal")
        assert eligibility_latest(dossier).dossier_revision == Dossier.objects.get(pk=dossier.pk).revision

    def test_same_findings_same_revision_store_nothing(self, dossier):
        before = EligibilityCheck.objects.filter(dossier=dossier).count()
        assert services.eligibility_evaluate(dossier=dossier).pk == eligibility_latest(dossier).pk
        assert EligibilityCheck.objects.filter(dossier=dossier).count() == before

    def test_history_is_append_only(self, dossier):
        check = eligibility_latest(dossier)
        with pytest.raises(ApplicationError):
            check.save()

    def test_incomplete_finding_names_the_field(self, campaign, applicant, inside_window, fake_rules):
        from zhicheng.dossiers.tests.factories import dossier_for

        check = eligibility_latest(dossier_for(applicant, campaign))
        excl = _finding(check, "R-EXCL")
        assert excl["incomplete"] is True and excl["missing"] == ["retirement_category"] and not excl["blocking"]

    def test_engine_fault_does_not_lose_the_edit(self, dossier, applicant, monkeypatch):
        def broken():
            raise RuntimeError("rules broke")

        monkeypatch.setattr(services, "_rules", broken)
        item = dossier.achievement_items.get()
        section_item_update(dossier=dossier, actor=applicant, section="achievement", item_id=item.pk,
                            data={"title": "新题目"})
        assert Dossier.objects.get(pk=dossier.pk).revision == dossier.revision + 1

    def test_query_count_is_fixed(self, dossier, django_assert_max_num_queries):
        with django_assert_max_num_queries(24):  # the similarity results (§六(七)) and the integrity record too
            services.eligibility_evaluate(dossier=dossier)


class TestSubmit:
    def test_blocking_finding_refuses_submission(self, dossier, applicant):
        with pytest.raises(ApplicationError) as exc:
            submit(dossier, applicant)
        assert exc.value.code == "eligibility_blocked" and exc.value.status == 409
        assert "社保缴纳" in exc.value.message_zh and "§一" in exc.value.message_zh
        assert exc.value.details["blocking"] == [{"rule": "R-SOCSEC", "subject": "", "clause": "§一"}]
        dossier.refresh_from_db()
        assert dossier.state == "draft" and not dossier.versions.exists()

    def test_declared_exemption_lets_it_submit(self, dossier, applicant):
        services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="本人为公司法定代表人", actor=applicant)
        submit(dossier, applicant)
        dossier.refresh_from_db()
        assert dossier.state == "submitted"
        check = eligibility_latest(dossier)
        assert check.version == dossier.versions.get() and check.blocking_count == 1

    def test_refused_exemption_no_longer_covers(self, dossier, applicant, tree):
        declaration = services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="说明", actor=applicant)
        declaration.state = ExemptionState.REFUSED
        declaration.save()
        with pytest.raises(ApplicationError, match="社保缴纳"):
            submit(dossier, applicant)

    def test_passing_dossier_submits_and_stores_with_version(self, dossier, applicant):
        submitted(dossier, applicant)
        check = eligibility_latest(dossier)
        assert check.version.number == 1 and check.blocking_count == 0

    def test_resubmit_after_fix(self, dossier, applicant):
        with pytest.raises(ApplicationError):
            submit(dossier, applicant)
        add_months(dossier, applicant, ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08"],
                   credit_code=dossier.socialsecuritymonth_items.first().credit_code)
        submit(dossier, applicant)
        assert Dossier.objects.get(pk=dossier.pk).state == "submitted"


class TestOverride:
    def test_reviewer_overrides_with_reason_audited(self, dossier, applicant, tree):
        services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="法定代表人", actor=applicant)
        submit(dossier, applicant)
        override = services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="已核实劳动合同",
                                             actor=tree["unit_clerk"])
        assert override.by == tree["unit_clerk"] and override.on_check == eligibility_latest(dossier)
        event = AuditEvent.objects.filter(event_type="eligibility.finding_overridden").get()
        assert event.data["reason"] == "已核实劳动合同"
        assert services.unresolved_blocking(eligibility_latest(dossier)) == []

    def test_reason_required(self, dossier, applicant, tree):
        submitted(dossier, applicant)
        paper = dossier.achievement_items.get()
        with pytest.raises(ApplicationError) as exc:
            services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="  ", actor=tree["unit_clerk"])
        assert exc.value.code == "reason_required" and exc.value.status == 400
        assert exc.value.message_zh == "请填写认定理由"
        assert paper  # the dossier is unchanged

    def test_only_an_unmet_finding(self, dossier, applicant, tree):
        submitted(dossier, applicant)
        with pytest.raises(ApplicationError) as exc:
            services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="理由", actor=tree["unit_clerk"])
        assert exc.value.code == "finding_not_found"

    @pytest.mark.parametrize("who", ["applicant", "observer", "other_clerk", "unit_admin"])
    def test_denied(self, dossier, applicant, tree, who):
        services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="说明", actor=applicant)
        submit(dossier, applicant)
        with pytest.raises(ApplicationError) as exc:
            services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="理由", actor=tree[who])
        assert exc.value.status == 403
        assert not FindingOverride.objects.exists()

    def test_department_and_office_may_override_and_revoke(self, dossier, applicant, tree):
        services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="说明", actor=applicant)
        submit(dossier, applicant)
        override = services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="理由",
                                             actor=tree["department_clerk"])
        with pytest.raises(ApplicationError) as exc:
            services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="再次", actor=tree["office_staff"])
        assert exc.value.code == "already_overridden"
        services.override_revoke(override=override, actor=tree["office_staff"])
        override.refresh_from_db()
        assert override.revoked_by == tree["office_staff"] and override.revoked_at is not None
        assert services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="重新认定",
                                         actor=tree["office_staff"]).pk != override.pk

    def test_draft_cannot_be_overridden(self, dossier, tree):
        with pytest.raises(ApplicationError) as exc:
            services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="理由", actor=tree["unit_clerk"])
        assert exc.value.status == 403


class TestExemption:
    def test_statement_required_and_only_for_blocking(self, dossier, applicant):
        with pytest.raises(ApplicationError) as exc:
            services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="", actor=applicant)
        assert exc.value.code == "reason_required" and exc.value.message_zh == "请填写豁免说明"
        with pytest.raises(ApplicationError) as exc:
            services.exemption_declare(dossier=dossier, rule="R-PLAGIARISM",
                                       subject=f"achievement:{dossier.achievement_items.get().pk}",
                                       statement="说明", actor=applicant)
        assert exc.value.code == "finding_not_blocking"

    def test_declare_twice_refused(self, dossier, applicant):
        services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="说明", actor=applicant)
        with pytest.raises(ApplicationError) as exc:
            services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="说明", actor=applicant)
        assert exc.value.code == "already_declared"

    def test_other_people_may_not_declare(self, dossier, tree):
        with pytest.raises(ApplicationError) as exc:
            services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="说明", actor=tree["unit_clerk"])
        assert exc.value.status == 403

    def test_reviewer_confirms_or_refuses(self, dossier, applicant, tree):
        declaration = services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="说明", actor=applicant)
        submit(dossier, applicant)
        with pytest.raises(ApplicationError) as exc:
            services.exemption_confirm(declaration=declaration, actor=applicant, note="")
        assert exc.value.status == 403
        with pytest.raises(ApplicationError) as exc:
            services.exemption_refuse(declaration=declaration, actor=tree["unit_clerk"], note="")
        assert exc.value.code == "reason_required"
        done = services.exemption_confirm(declaration=declaration, actor=tree["unit_leader"], note="材料齐全")
        assert done.state == ExemptionState.CONFIRMED and done.decided_by == tree["unit_leader"]
        with pytest.raises(ApplicationError) as exc:
            services.exemption_refuse(declaration=declaration, actor=tree["unit_clerk"], note="不符合")
        assert exc.value.code == "already_decided"
        assert AuditEvent.objects.filter(event_type="eligibility.exemption_confirmed").count() == 1


class TestBeforeReviewStep:
    def test_reevaluates_with_new_thresholds(self, dossier, applicant, campaign):
        submitted(dossier, applicant)
        campaign.social_security_months = 7
        campaign.save()
        check = services.eligibility_before_review_step(dossier)
        assert _finding(check, "R-SOCSEC")["ok"] is False and check.version.number == 1


def test_eligibility_guard_is_registered_and_named_by_the_submit_and_accept_rows():
    from zhicheng.dossiers.guards import GUARDS
    from zhicheng.dossiers.workflow import TRANSITIONS
    from zhicheng.eligibility.guards import eligibility_clear

    assert GUARDS["eligibility_clear"] is eligibility_clear
    assert {t.name for t in TRANSITIONS.values() if "eligibility_clear" in t.guards} >= {"submit", "office_accept"}
    assert dossier_submit


class TestWithTheRealRules:
    def test_every_rule_answers_for_a_filled_dossier(self, campaign, applicant, inside_window):
        from zhicheng.dossiers.tests.factories import dossier_for, fill
        from zhicheng.eligibility.rules import REGISTRY

        d = dossier_for(applicant, campaign)
        fill(d, applicant)
        check = eligibility_latest(d)
        expected = {rule_id for rule_id, spec in REGISTRY.items() if spec.per_dossier}
        assert {f["rule"] for f in check.findings} == expected
        assert check.rules_version == "2024.1" and check.dossier_revision == Dossier.objects.get(pk=d.pk).revision
        assert all(f["message_zh"] and f["clause"] for f in check.findings)
        assert services.eligibility_evaluate(dossier=d).pk == check.pk  # the stored JSON compares equal

    def test_blocked_submission_names_the_rules(self, campaign, applicant, inside_window):
        from zhicheng.dossiers.tests.factories import dossier_for, fill

        d = dossier_for(applicant, campaign)
        fill(d, applicant)
        with pytest.raises(ApplicationError) as exc:
            submit(d, applicant)
        assert exc.value.code == "eligibility_blocked" and "社保缴纳" in exc.value.message_zh



class TestStatusShownBesideTheDossier:
    """The dossier summary (page and API) says what the latest check found, and when it is out of date."""

    def test_blocked_then_outdated_then_eligible(self, dossier, applicant):
        from zhicheng.dossiers.models import Dossier
        from zhicheng.eligibility.selectors import eligibility_status

        dossier.refresh_from_db()
        assert dossier.eligibility_status == "blocked"  # one social-security month of six
        Dossier.objects.filter(pk=dossier.pk).update(revision=dossier.revision + 1)
        dossier.refresh_from_db()
        assert eligibility_status(dossier=dossier) == "outdated"
        add_months(dossier, applicant, [f"2024-0{m}" for m in range(2, 8)])
        dossier.refresh_from_db()
        assert dossier.eligibility_status == eligibility_status(dossier=dossier) == "eligible"

    def test_api_and_page_show_it(self, dossier, applicant, client):
        from django.urls import reverse

        client.force_login(applicant)
        assert client.get(f"/api/v1/dossiers/{dossier.pk}").json()["eligibility"] == "blocked"
        assert "有不符合项" in client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
