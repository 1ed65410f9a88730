"""GET /api/v1/dossiers/{id}/eligibility and the override / exemption endpoints, with their refusals."""

from __future__ import annotations

import pytest

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.audit.testing import AUDITED_READ_QUERIES
from zhicheng.dossiers.models import Dossier
from zhicheng.eligibility import services

from .helpers import office_result, submit, submitted

pytestmark = pytest.mark.django_db
API = "/api/v1/dossiers"


def _as(client, user):
    login_verified(client, user)
    return client


def _declared_and_submitted(dossier, applicant):
    services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="本人为法定代表人", actor=applicant)
    submit(dossier, applicant)


class TestRead:
    def test_applicant_sees_findings_with_clause_and_facts(self, client, dossier, applicant):
        office_result(dossier, dossier.achievement_items.get(), "12.50")
        body = _as(client, applicant).get(f"{API}/{dossier.pk}/eligibility").json()
        assert body["is_current"] is True and body["dossier_revision"] == dossier.revision
        first = body["findings"][0]
        assert first["rule"] == "R-SOCSEC" and first["blocking"] is True and first["clause"] == "§一"
        assert first["facts_used"] == {"months": 1, "required": 6} and first["overridden"] is False
        assert body["unresolved_count"] == 1 and body["version_number"] is None
        excl = next(f for f in body["findings"] if f["rule"] == "R-PLAGIARISM")
        assert excl["ok"] is True and excl["subject"].startswith("achievement:")

    def test_stale_findings_are_flagged(self, client, dossier, applicant):
        Dossier.objects.filter(pk=dossier.pk).update(revision=dossier.revision + 1)  # a change no hook saw
        body = _as(client, applicant).get(f"{API}/{dossier.pk}/eligibility").json()
        assert body["is_current"] is False and body["current_revision"] == dossier.revision + 1

    def test_reviewer_sees_override_by_whom_and_why(self, client, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="已核实劳动合同", actor=tree["unit_clerk"])
        body = _as(client, tree["department_clerk"]).get(f"{API}/{dossier.pk}/eligibility").json()
        socsec = body["findings"][0]
        assert socsec["overridden"] is True and socsec["override"]["reason"] == "已核实劳动合同"
        assert socsec["override"]["by_id"] == tree["unit_clerk"].pk
        assert socsec["exemption"]["state"] == "declared" and body["version_number"] == 1

    @pytest.mark.parametrize("who", ["other_applicant", "other_clerk", "agency_clerk"])
    def test_hidden_dossier_is_404(self, client, dossier, applicant, tree, who):
        submitted(dossier, applicant)
        r = _as(client, tree[who]).get(f"{API}/{dossier.pk}/eligibility")
        assert r.status_code == 404 and r.json()["code"] == "not_found"

    def test_draft_hidden_from_unit_clerk(self, client, dossier, tree):
        assert _as(client, tree["unit_clerk"]).get(f"{API}/{dossier.pk}/eligibility").status_code == 404

    def test_anonymous_401(self, client, dossier):
        assert client.get(f"{API}/{dossier.pk}/eligibility").status_code == 401
        r = client.post(f"{API}/{dossier.pk}/eligibility/overrides", {"rule": "R-SOCSEC", "reason": "x"},
                        content_type="application/json")
        assert r.status_code == 401


class TestOverride:
    def test_create_and_revoke(self, client, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        _as(client, tree["unit_clerk"])
        r = client.post(f"{API}/{dossier.pk}/eligibility/overrides", {"rule": "R-SOCSEC", "reason": "已核实"},
                        content_type="application/json")
        assert r.status_code == 201, r.content
        oid = r.json()["id"]
        r = client.post(f"{API}/{dossier.pk}/eligibility/overrides/{oid}/revoke")
        assert r.status_code == 200 and r.json()["revoked_by_id"] == tree["unit_clerk"].pk

    def test_reason_required_400_in_chinese(self, client, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        r = _as(client, tree["unit_clerk"]).post(f"{API}/{dossier.pk}/eligibility/overrides",
                                                 {"rule": "R-SOCSEC", "reason": " "}, content_type="application/json")
        assert r.status_code == 400
        assert r.json() == {"code": "reason_required", "message": "请填写认定理由",
                            "details": {"fields": {"reason": ["请填写认定理由"]},
                                        "fields_en": {"reason": ["Give the reason for the override"]}}}

    def test_applicant_403_observer_403(self, client, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        for who in (applicant, tree["observer"]):
            client.logout()
            r = _as(client, who).post(f"{API}/{dossier.pk}/eligibility/overrides",
                                      {"rule": "R-SOCSEC", "reason": "x"}, content_type="application/json")
            assert r.status_code == 403

    def test_other_unit_clerk_404(self, client, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        r = _as(client, tree["other_clerk"]).post(f"{API}/{dossier.pk}/eligibility/overrides",
                                                  {"rule": "R-SOCSEC", "reason": "x"}, content_type="application/json")
        assert r.status_code == 404

    def test_override_of_another_dossier_is_404(self, client, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        override = services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="x", actor=tree["unit_clerk"])
        r = _as(client, tree["unit_clerk"]).post(f"{API}/999999/eligibility/overrides/{override.pk}/revoke")
        assert r.status_code == 404


class TestExemption:
    def test_declare_then_reviewer_confirms(self, client, dossier, applicant, tree):
        r = _as(client, applicant).post(f"{API}/{dossier.pk}/eligibility/exemptions",
                                        {"rule": "R-SOCSEC", "statement": "本人为公司法定代表人"},
                                        content_type="application/json")
        assert r.status_code == 201, r.content
        did = r.json()["id"]
        submit(dossier, applicant)
        client.logout()
        r = _as(client, tree["unit_leader"]).post(f"{API}/{dossier.pk}/eligibility/exemptions/{did}/confirm",
                                                  {"note": "已核实"}, content_type="application/json")
        assert r.status_code == 200 and r.json()["state"] == "confirmed"

    def test_refuse_needs_a_note(self, client, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        did = dossier.exemption_declarations.get().pk
        r = _as(client, tree["unit_clerk"]).post(f"{API}/{dossier.pk}/eligibility/exemptions/{did}/refuse",
                                                 {"note": ""}, content_type="application/json")
        assert r.status_code == 400 and r.json()["message"] == "请填写不予确认的理由"

    def test_submit_refused_409_lists_rules(self, client, dossier, applicant):
        from zhicheng.dossiers.tests.factories import signed

        signed(dossier, applicant)
        r = _as(client, applicant).post(f"{API}/{dossier.pk}/submit")
        assert r.status_code == 409 and r.json()["code"] == "eligibility_blocked"
        # the rule by its name, as the checklist names it; the id stays for programs in the details
        assert "社保缴纳（§一" in r.json()["message"] and "R-SOCSEC" not in r.json()["message"]
        assert "R-SOCSEC" in str(r.json())


def test_query_count_of_get(client, dossier, applicant, tree, django_assert_max_num_queries):
    _declared_and_submitted(dossier, applicant)
    services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="x", actor=tree["unit_clerk"])
    _as(client, tree["unit_clerk"])
    with django_assert_max_num_queries(14 + AUDITED_READ_QUERIES):  # −2: session, user, device in one
        assert client.get(f"{API}/{dossier.pk}/eligibility").status_code == 200
