"""Staggered submission (§四(三)): slots inside the window, own applicants only, advice not enforcement, the load."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.audit.testing import audit_flushable  # noqa: F401
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier
from zhicheng.review.tests.factories import campaign_2024, review_people, submitted_dossier
from zhicheng.stagger.models import SubmissionSlot
from zhicheng.stagger.selectors import slot_of_applicant, submissions_per_hour
from zhicheng.stagger.services import slot_create

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def tree(db):
    return review_people()


@pytest.fixture
def campaign(tree):
    return campaign_2024()


def _as(user, **kw) -> Client:
    client = Client(**kw)
    login_verified(client, user)
    return client


def _slot(tree, campaign, first, last, who=("applicant",), actor="unit_clerk"):
    return slot_create(actor=tree[actor], organisation=tree["unit"], campaign=campaign, label="第一批",
                       first_day=first, last_day=last, applicant_ids=[tree[w].pk for w in who])


class TestWindow:
    @pytest.mark.parametrize(("first", "last"), [(D(2024, 9, 10), D(2024, 9, 10)), (D(2024, 10, 10), D(2024, 10, 10))])
    def test_first_and_last_day_of_the_window_accepted(self, tree, campaign, first, last):
        assert _slot(tree, campaign, first, last).applicants.count() == 1

    @pytest.mark.parametrize(("first", "last"), [(D(2024, 9, 9), D(2024, 9, 12)), (D(2024, 10, 8), D(2024, 10, 11))])
    def test_a_day_outside_the_window_is_refused_and_nothing_saved(self, tree, campaign, first, last):
        with pytest.raises(ApplicationError) as exc:
            _slot(tree, campaign, first, last)
        assert exc.value.status == 400 and "申报期内" in exc.value.message_zh
        assert not SubmissionSlot.objects.exists()

    def test_last_before_first_refused(self, tree, campaign):
        with pytest.raises(ApplicationError):
            _slot(tree, campaign, D(2024, 9, 20), D(2024, 9, 19))

    def test_bad_date_refused(self, tree, campaign):
        with pytest.raises(ApplicationError) as exc:
            _slot(tree, campaign, "2024-13-01", "2024-09-19")
        assert exc.value.status == 400


class TestWho:
    @pytest.mark.parametrize("actor", ["applicant", "other_clerk", "department_clerk"])
    def test_only_the_units_own_staff(self, tree, campaign, actor):
        with pytest.raises(ApplicationError) as exc:
            _slot(tree, campaign, D(2024, 9, 20), D(2024, 9, 21), actor=actor)
        assert exc.value.status == 403 and not SubmissionSlot.objects.exists()

    def test_another_units_applicant_cannot_be_placed(self, tree, campaign):
        with pytest.raises(ApplicationError) as exc:
            _slot(tree, campaign, D(2024, 9, 20), D(2024, 9, 21), who=("applicant", "agency_applicant"))
        assert exc.value.code == "slot_foreign_applicant" and not SubmissionSlot.objects.exists()

    def test_a_new_group_moves_the_applicant(self, tree, campaign):
        _slot(tree, campaign, D(2024, 9, 20), D(2024, 9, 21))
        second = _slot(tree, campaign, D(2024, 9, 25), D(2024, 9, 25))
        assert slot_of_applicant(tree["applicant"], campaign) == second
        assert SubmissionSlot.objects.get(pk=second.pk - 1).applicants.count() == 0


class TestSeenAndNotEnforced:
    def test_applicant_sees_the_suggested_days_on_the_dashboard(self, tree, campaign):
        _slot(tree, campaign, D(2024, 9, 20), D(2024, 9, 22))
        page = _as(tree["applicant"]).get("/").content.decode()
        assert "建议提交日期" in page and "2024" in page

    def test_submission_outside_the_slot_is_still_accepted(self, tree, campaign):
        _slot(tree, campaign, D(2024, 9, 20), D(2024, 9, 22))
        dossier = submitted_dossier(tree["applicant"], campaign, submitted_at="2024-10-01T10:00:00+08:00")
        assert dossier.submitted_at is not None  # the slot says 09-20..22; 10-01 is inside the window

    def test_unit_page_and_api(self, tree, campaign):
        client = _as(tree["unit_clerk"])
        r = client.post("/api/v1/stagger/slots", {"organisation_id": tree["unit"].pk, "label": "A",
                                                  "first_day": "2024-09-30", "last_day": "2024-10-11",
                                                  "applicant_ids": [tree["applicant"].pk]},
                        content_type="application/json")
        assert r.status_code == 400 and "申报期内" in r.json()["message"]
        r = client.post("/api/v1/stagger/slots", {"organisation_id": tree["unit"].pk, "label": "A",
                                                  "first_day": "2024-09-30", "last_day": "2024-10-10",
                                                  "applicant_ids": [tree["applicant"].pk]},
                        content_type="application/json")
        assert r.status_code == 201 and r.json()["applicant_ids"] == [tree["applicant"].pk]
        assert _as(tree["applicant"]).get("/api/v1/stagger/my-slot").json()["first_day"] == "2024-09-30"
        assert "A" in client.get(f"/stagger/units/{tree['unit'].pk}/").content.decode()
        assert _as(tree["other_clerk"]).get(f"/api/v1/stagger/slots?organisation_id={tree['unit'].pk}"
                                            ).status_code == 403

    def test_page_post_without_csrf_refused(self, tree, campaign):
        client = _as(tree["unit_clerk"], enforce_csrf_checks=True)
        r = client.post(f"/stagger/units/{tree['unit'].pk}/", {"label": "A", "first_day": "2024-09-20",
                                                               "last_day": "2024-09-20",
                                                               "applicants": [tree["applicant"].pk]})
        assert r.status_code == 403 and not SubmissionSlot.objects.exists()


class TestLoad:
    def test_per_hour_against_capacity(self, tree, campaign):
        campaign.submission_capacity_per_hour = 1
        campaign.save(update_fields=["submission_capacity_per_hour"])
        for who in ("applicant", "other_applicant"):
            submitted_dossier(tree[who], campaign, submitted_at="2024-10-10T23:30:00+08:00")
        hours = submissions_per_hour(campaign, D(2024, 10, 10))
        assert hours[23] == {"hour": 23, "count": 2, "capacity": 1, "over": True, "percent": 100}
        assert hours[22]["count"] == 0 and not hours[22]["over"]
        assert Dossier.objects.count() == 2

    def test_office_sees_the_page_and_api_others_do_not(self, tree, campaign):
        submitted_dossier(tree["applicant"], campaign, submitted_at="2024-10-10T09:15:00+08:00")
        body = _as(tree["office_staff"]).get("/api/v1/stagger/load?day=2024-10-10").json()
        assert body[9]["count"] == 1 and body[9]["capacity"] == 300
        assert "09:00" in _as(tree["office_staff"]).get("/stagger/load/?day=2024-10-10").content.decode()
        assert _as(tree["unit_clerk"]).get("/api/v1/stagger/load?day=2024-10-10").status_code == 403
        assert _as(tree["office_staff"]).get("/api/v1/stagger/load?day=10/10").status_code == 400
