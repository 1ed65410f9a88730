"""The checklist beside the dossier, the exemption form before submitting, the reviewer's override buttons."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.eligibility import services
from zhicheng.eligibility.models import ExemptionDeclaration, FindingOverride

from .helpers import submit, submitted

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _declared_and_submitted(dossier, applicant):
    services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="本人为公司法定代表人", actor=applicant)
    submit(dossier, applicant)


class TestApplicant:
    @pytest.mark.parametrize("page", ["mine", "detail", "pledge", "section"])
    def test_checklist_on_the_dossier_pages(self, dossier, applicant, page):
        args = {"mine": [], "detail": [dossier.pk], "pledge": [dossier.pk], "section": [dossier.pk, "education"]}
        html = _client(applicant).get(reverse(f"dossiers:{page}", args=args[page])).content.decode()
        assert "资格条件检查" in html and "社保：共 1 个月，须满 6 个月" in html and "§一" in html
        assert "1 项不符合，不能提交" in html and "声明豁免" in html and "认定为符合" not in html

    def test_htmx_partial(self, dossier, applicant):
        r = _client(applicant).get(reverse("eligibility:checklist", args=[dossier.pk]), HTTP_HX_REQUEST="true")
        html = r.content.decode()
        assert r.status_code == 200 and html.lstrip().startswith("<section") and "<html" not in html

    def test_declare_exemption_then_submit(self, dossier, applicant):
        me = _client(applicant)
        here = reverse("dossiers:pledge", args=[dossier.pk])
        r = me.post(reverse("eligibility:exemption_declare", args=[dossier.pk]),
                    {"rule": "R-SOCSEC", "subject": "", "statement": "本人为公司法定代表人", "next": here})
        assert r.status_code == 302 and r.url == here
        assert ExemptionDeclaration.objects.get().statement == "本人为公司法定代表人"
        html = me.get(here).content.decode()
        assert "待审核确认" in html
        submit(dossier, applicant)

    def test_empty_statement_is_refused_with_message(self, dossier, applicant):
        r = _client(applicant).post(reverse("eligibility:exemption_declare", args=[dossier.pk]),
                                    {"rule": "R-SOCSEC", "statement": ""}, follow=True)
        assert "请填写豁免说明" in r.content.decode() and not ExemptionDeclaration.objects.exists()

    def test_offsite_next_is_ignored(self, dossier, applicant):
        r = _client(applicant).post(reverse("eligibility:exemption_declare", args=[dossier.pk]),
                                    {"rule": "R-SOCSEC", "statement": "说明", "next": "https://evil.example/"})
        assert r.url == reverse("eligibility:checklist", args=[dossier.pk])

    def test_submit_page_shows_the_blocking_rules(self, dossier, applicant):
        from zhicheng.dossiers.tests.factories import signed

        signed(dossier, applicant)
        r = _client(applicant).post(reverse("dossiers:submit", args=[dossier.pk]), follow=True)
        assert "以下资格条件不符合，不能提交" in r.content.decode()


class TestReviewer:
    def test_override_needs_a_reason_then_shown_to_later_reviewers(self, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        clerk = _client(tree["unit_clerk"])
        url = reverse("eligibility:override", args=[dossier.pk])
        r = clerk.post(url, {"rule": "R-SOCSEC", "reason": " "}, follow=True)
        assert "请填写认定理由" in r.content.decode() and not FindingOverride.objects.exists()
        clerk.post(url, {"rule": "R-SOCSEC", "reason": "已核实劳动合同和工资流水"})
        html = _client(tree["department_clerk"]).get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
        assert "已核实劳动合同和工资流水" in html and "撤销认定" in html
        assert (tree["unit_clerk"].real_name or tree["unit_clerk"].username) in html

    def test_confirm_exemption_button(self, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        declaration = ExemptionDeclaration.objects.get()
        leader = _client(tree["unit_leader"])
        page = leader.get(reverse("eligibility:checklist", args=[dossier.pk])).content.decode()
        assert "确认豁免" in page and "检查记录" in page
        leader.post(reverse("eligibility:exemption_decide", args=[dossier.pk, declaration.pk, "confirm"]),
                    {"note": "已核实"})
        declaration.refresh_from_db()
        assert declaration.state == "confirmed" and declaration.decided_by == tree["unit_leader"]

    def test_revoke(self, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        override = services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="x", actor=tree["unit_clerk"])
        _client(tree["office_staff"]).post(reverse("eligibility:override_revoke", args=[dossier.pk, override.pk]))
        override.refresh_from_db()
        assert override.revoked_by == tree["office_staff"]

    def test_observer_sees_no_buttons(self, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        html = _client(tree["observer"]).get(reverse("eligibility:checklist", args=[dossier.pk])).content.decode()
        assert "资格条件检查" in html and "认定为符合" not in html and "确认豁免" not in html


class TestDenials:
    @pytest.mark.parametrize("who", ["other_applicant", "other_clerk"])
    def test_404_for_people_who_cannot_see_it(self, dossier, applicant, tree, who):
        submitted(dossier, applicant)
        override = FindingOverride.objects.first()
        client = _client(tree[who])
        assert client.get(reverse("eligibility:checklist", args=[dossier.pk])).status_code == 404
        r = client.post(reverse("eligibility:override", args=[dossier.pk]), {"rule": "R-SOCSEC", "reason": "x"})
        assert r.status_code == 404
        r = client.post(reverse("eligibility:exemption_declare", args=[dossier.pk]),
                        {"rule": "R-SOCSEC", "statement": "x"})
        assert r.status_code == 404 and override is None

    def test_anonymous_sent_to_login(self, client, dossier):
        r = client.get(reverse("eligibility:checklist", args=[dossier.pk]))
        assert r.status_code == 302 and "login" in r.url

    def test_applicant_cannot_override_their_own(self, dossier, applicant):
        _declared_and_submitted(dossier, applicant)
        r = _client(applicant).post(reverse("eligibility:override", args=[dossier.pk]),
                                    {"rule": "R-SOCSEC", "reason": "我认为符合"}, follow=True)
        assert "回避" in r.content.decode() and not FindingOverride.objects.exists()

    def test_unknown_decision_404(self, dossier, applicant, tree):
        _declared_and_submitted(dossier, applicant)
        declaration = ExemptionDeclaration.objects.get()
        r = _client(tree["unit_clerk"]).post(
            reverse("eligibility:exemption_decide", args=[dossier.pk, declaration.pk, "maybe"]))
        assert r.status_code == 404


def test_query_count_of_checklist_page(dossier, applicant, tree, django_assert_max_num_queries):
    _declared_and_submitted(dossier, applicant)
    services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="x", actor=tree["unit_clerk"])
    client = _client(tree["unit_clerk"])
    with django_assert_max_num_queries(24):  # +1: the bell; −2: session, user, device in one
        assert client.get(reverse("eligibility:checklist", args=[dossier.pk])).status_code == 200


def test_stale_findings_flagged_on_the_page(dossier, applicant):
    from zhicheng.dossiers.models import Dossier

    Dossier.objects.filter(pk=dossier.pk).update(revision=dossier.revision + 1)  # a change no hook saw
    html = _client(applicant).get(reverse("eligibility:checklist", args=[dossier.pk])).content.decode()
    assert "材料已修改，结果不是最新" in html
