"""The dossier API: an applicant's whole path through it, refusals in the one error shape, hidden dossiers 404."""

from __future__ import annotations

import pytest

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.dossiers.models import Dossier, DossierState, EducationRecord
from zhicheng.dossiers.sections import ROW_SECTIONS

from .factories import PASSWORD, VALID_IDENTITY, at, dossier_for, fill, signed, valid_row

pytestmark = pytest.mark.django_db
API = "/api/v1/dossiers"
INSIDE = "2024-10-01T10:00:00+08:00"


def _as(client, user):
    login_verified(client, user)
    return client


def _submitted(campaign, applicant):
    with at(INSIDE):
        dossier = dossier_for(applicant, campaign)
        fill(dossier, applicant)
        signed(dossier, applicant)
        from zhicheng.dossiers.services import dossier_submit

        dossier_submit(dossier=dossier, actor=applicant)
    return dossier


class TestApplicantPath:
    def test_create_fill_pledge_submit_withdraw(self, client, campaign, applicant):
        _as(client, applicant)
        with at(INSIDE):
            r = client.post(f"{API}/", {"series": "工程", "level": "副高级"}, content_type="application/json")
            assert r.status_code == 201, r.content
            body = r.json()
            assert body["state"] == "draft" and body["eligibility"] in ("blocked", "incomplete")  # checked at once
            assert body["pledge"]["signed"] is False and body["campaign_id"] == campaign.pk
            url = f"{API}/{body['id']}"

            r = client.put(f"{url}/sections/identity", VALID_IDENTITY, content_type="application/json")
            assert r.status_code == 200, r.content
            for section in ROW_SECTIONS:
                r = client.post(f"{url}/sections/{section}", valid_row(section), content_type="application/json")
                assert r.status_code == 201, (section, r.content)
            rows = client.get(f"{url}/sections/education").json()["items"]
            assert rows[0]["school"] == "兰州大学"

            r = client.post(f"{url}/pledge", {"password": PASSWORD}, content_type="application/json",
                            HTTP_USER_AGENT="pytest-agent")
            assert r.status_code == 201, r.content
            assert client.get(url).json()["pledge"]["signed"] is True

            r = client.post(f"{url}/submit")
            assert r.status_code == 200, r.content
            assert r.json()["state"] == "submitted"
            versions = client.get(f"{url}/versions").json()
            assert [v["number"] for v in versions] == [1]
            assert client.get(f"{url}/versions/1").json()["snapshot"]["identity"]["ethnicity"] == "汉族"
            assert client.get(f"{url}/diff", {"from": 1}).json()["changes"] == []

            r = client.post(f"{url}/withdraw", {"reason": "材料需补充"}, content_type="application/json")
            assert r.status_code == 200, r.content
            assert r.json()["state"] == "draft" and r.json()["withdraw_reason"] == "材料需补充"  # window open
        pledge = Dossier.objects.get(pk=body["id"]).pledges.get()
        assert pledge.user_agent == "pytest-agent"

    def test_list_shows_only_own_dossiers(self, client, campaign, tree):
        with at(INSIDE):
            mine = dossier_for(tree["applicant"], campaign)
            dossier_for(tree["other_applicant"], campaign)
        ids = [d["id"] for d in _as(client, tree["applicant"]).get(f"{API}/").json()["items"]]
        assert ids == [mine.pk]

    def test_target_patch_changes_level(self, client, campaign, applicant):
        with at(INSIDE):
            dossier = dossier_for(applicant, campaign)
            r = _as(client, applicant).patch(f"{API}/{dossier.pk}", {"level": "中级"}, content_type="application/json")
        assert r.status_code == 200, r.content
        dossier.refresh_from_db()
        assert dossier.level.name == "中级" and dossier.revision == 1

    def test_row_update_and_delete(self, client, campaign, applicant):
        with at(INSIDE):
            dossier = dossier_for(applicant, campaign)
            _as(client, applicant)
            url = f"{API}/{dossier.pk}/sections/education"
            item = client.post(url, valid_row("education"), content_type="application/json").json()
            r = client.patch(f"{url}/{item['id']}", {"school": "西北师范大学"}, content_type="application/json")
            assert r.status_code == 200 and r.json()["school"] == "西北师范大学"
            assert client.delete(f"{url}/{item['id']}").status_code == 204
        assert not EducationRecord.objects.filter(dossier=dossier).exists()


class TestRefusals:
    def test_invalid_row_is_400_naming_the_field_and_saves_nothing(self, client, campaign, applicant):
        with at(INSIDE):
            dossier = dossier_for(applicant, campaign)
            r = _as(client, applicant).post(
                f"{API}/{dossier.pk}/sections/education", valid_row("education", start="2000-13-45"),
                content_type="application/json",
            )
        assert r.status_code == 400
        body = r.json()
        assert set(body) == {"code", "message", "details"}
        assert "start" in body["details"]["fields"]
        assert not EducationRecord.objects.filter(dossier=dossier).exists()
        dossier.refresh_from_db()
        assert dossier.revision == 0

    def test_wrong_password_does_not_sign(self, client, campaign, applicant):
        with at(INSIDE):
            dossier = dossier_for(applicant, campaign)
            r = _as(client, applicant).post(
                f"{API}/{dossier.pk}/pledge", {"password": "nope"}, content_type="application/json"
            )
        assert r.status_code == 403 and "password" in r.json()["details"]["fields"]
        assert not dossier.pledges.exists()

    @pytest.mark.parametrize(
        ("instant", "status"), [("2024-10-10T23:59:59+08:00", 200), ("2024-10-11T00:00:00+08:00", 409)]
    )
    def test_submission_deadline_by_the_server_clock(self, client, campaign, applicant, instant, status):
        with at(INSIDE):
            dossier = dossier_for(applicant, campaign)
            fill(dossier, applicant)
            signed(dossier, applicant)
        _as(client, applicant)
        with at(instant):
            r = client.post(f"{API}/{dossier.pk}/submit")
        assert r.status_code == status, r.content
        dossier.refresh_from_db()
        assert dossier.state == (DossierState.SUBMITTED if status == 200 else DossierState.DRAFT)

    def test_another_applicants_dossier_is_404_everywhere(self, client, campaign, tree):
        with at(INSIDE):
            dossier = dossier_for(tree["applicant"], campaign)
            _as(client, tree["other_applicant"])
            url = f"{API}/{dossier.pk}"
            assert client.get(url).status_code == 404
            assert client.get(f"{url}/sections/education").status_code == 404
            assert client.get(f"{url}/evidence").status_code == 404
            r = client.post(f"{url}/sections/education", valid_row("education"), content_type="application/json")
            assert r.status_code == 404
            assert client.post(f"{url}/submit").status_code == 404
        assert r.json()["code"] == "not_found"

    def test_reviewer_sees_only_after_submission_and_only_their_unit(self, client, campaign, tree):
        with at(INSIDE):
            draft = dossier_for(tree["other_applicant"], campaign)
        dossier = _submitted(campaign, tree["applicant"])
        _as(client, tree["unit_clerk"])
        assert client.get(f"{API}/{dossier.pk}").status_code == 200
        assert client.get(f"{API}/{dossier.pk}/versions/1").status_code == 200
        assert client.get(f"{API}/{draft.pk}").status_code == 404
        client.logout()
        _as(client, tree["other_clerk"])
        assert client.get(f"{API}/{dossier.pk}").status_code == 404
        assert client.get(f"{API}/{dossier.pk}/versions").status_code == 404

    def test_reviewer_cannot_change_a_submitted_dossier(self, client, campaign, tree):
        dossier = _submitted(campaign, tree["applicant"])
        with at(INSIDE):
            clerk = _as(client, tree["unit_clerk"])
            r = clerk.post(f"{API}/{dossier.pk}/withdraw", {}, content_type="application/json")
        assert r.status_code == 403

    def test_anonymous_gets_401(self, client, campaign, applicant):
        with at(INSIDE):
            dossier = dossier_for(applicant, campaign)
        assert client.get(f"{API}/{dossier.pk}").status_code == 401
        assert client.get(f"{API}/").json()["code"] == "unauthenticated"
