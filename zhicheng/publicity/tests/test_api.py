"""The API: the public list has no private fields, anonymous objections and code lookup, staff reach and refusals."""

from __future__ import annotations

import re

import pytest

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.tests.factories import at
from zhicheng.publicity.models import Objection, PublicityEntry

from .factories import passed_dossier, published

pytestmark = pytest.mark.django_db
PUBLIC = "/api/v1/public"
STAFF = "/api/v1/publicity"
ID_OR_PHONE = re.compile(r"\d{17}[\dXx]|1[3-9]\d{9}")


def _as(client, user):
    login_verified(client, user)
    return client


@pytest.fixture
def entry(tree, passed):
    published(tree["unit_clerk"], [passed], "2024-09-27")  # ends 10-09 (National Day in between)
    return PublicityEntry.objects.select_related("batch").get(dossier=passed)


class TestPublicList:
    def test_shows_the_public_face_and_no_id_or_phone(self, client, tree, entry):
        applicant = tree["applicant"]
        with at("2024-10-08T10:00:00+08:00"):
            response = client.get(f"{PUBLIC}/publicity/")
        assert response.status_code == 200
        (item,) = response.json()["items"]
        assert item["name"] == applicant.real_name and item["unit"] == "第一中学" and item["title"] == "高级工程师"
        assert (item["starts_on"], item["ends_on"]) == ("2024-09-27", "2024-10-09")
        text = response.content.decode()
        assert applicant.id_number not in text and applicant.phone not in text
        assert not ID_OR_PHONE.search(text)

    @pytest.mark.parametrize(("day", "shown"), [
        ("2024-09-26", False), ("2024-09-27", True), ("2024-10-16", True), ("2024-10-17", False),
    ])
    def test_listed_from_the_first_day_until_a_week_after_the_last(self, client, entry, day, shown):
        with at(f"{day}T12:00:00+08:00"):
            assert client.get(f"{PUBLIC}/publicity/").json()["count"] == (1 if shown else 0)

    def test_one_page_in_a_fixed_number_of_queries(self, client, tree, campaign, django_assert_max_num_queries):
        dossiers = [passed_dossier(tree["applicant"], campaign)]
        dossiers.append(passed_dossier(tree["other_applicant"], campaign, category="exceptional"))
        published(tree["unit_clerk"], dossiers, "2024-10-08")
        with at("2024-10-09T10:00:00+08:00"), django_assert_max_num_queries(2):
            assert client.get(f"{PUBLIC}/publicity/").json()["count"] == 2


class TestPublicObjection:
    def _file(self, client, entry, when="2024-10-08T10:00:00+08:00"):
        with at(when):
            return client.post(f"{PUBLIC}/publicity/{entry.pk}/objections",
                               {"name": "王五", "contact": "wang@example.com", "text": "论文抄袭"},
                               content_type="application/json")

    def test_anonymous_files_and_looks_up_the_outcome_with_the_code(self, client, tree, entry, passed):
        response = self._file(client, entry)
        assert response.status_code == 201, response.content
        code = response.json()["code"]
        with at("2024-10-08T11:00:00+08:00"):
            assert client.get(f"{PUBLIC}/objections/{code}").json()["status"] == "open"
            staff = _as(client, tree["unit_leader"])
            objection = Objection.objects.get()
            decided = staff.post(f"{STAFF}/objections/{objection.pk}/decide", {"outcome": "upheld", "note": "属实"},
                                 content_type="application/json")
            assert decided.status_code == 200, decided.content
            client.logout()
            body = client.get(f"{PUBLIC}/objections/{code}").json()
        assert (body["status"], body["outcome"]) == ("upheld", "属实")
        assert "contact" not in body and Dossier.objects.get(pk=passed.pk).state == DossierState.NOT_RECOMMENDED

    def test_outside_the_period_refused(self, client, entry):
        response = self._file(client, entry, "2024-10-10T00:00:00+08:00")
        assert response.status_code in (404, 409)  # ended: still listed for a week, so 409 with the period
        assert response.json()["code"] == "objection_period_closed"

    def test_an_unknown_code_is_404(self, client, entry):
        assert client.get(f"{PUBLIC}/objections/AAAA-BBBB-CCCC").status_code == 404


class TestStaff:
    def test_publish_preview_then_publish(self, client, tree, passed):
        _as(client, tree["unit_clerk"])
        with at("2024-10-08T09:00:00+08:00"):
            body = {"dossier_ids": [passed.pk], "starts_on": "2024-10-08", "preview": True}
            preview = client.post(f"{STAFF}/batches/", body, content_type="application/json")
            assert preview.json()["planned"] == [{"dossier": passed.pk, "kind": "unit", "ends_on": "2024-10-12"}]
            assert Dossier.objects.get(pk=passed.pk).state == DossierState.UNIT_PASSED
            done = client.post(f"{STAFF}/batches/", {**body, "preview": False}, content_type="application/json")
        assert done.status_code == 201 and done.json()["published"] == [passed.pk]

    def test_a_clerk_of_another_unit_gets_404(self, client, tree, entry):
        _as(client, tree["other_clerk"])
        with at("2024-10-10T09:00:00+08:00"):
            publish = client.post(f"{STAFF}/batches/", {"dossier_ids": [entry.dossier_id], "starts_on": "2024-10-10"},
                                  content_type="application/json")
            close = client.post(f"{STAFF}/batches/{entry.batch_id}/close")
            with at("2024-10-08T10:00:00+08:00"):
                from zhicheng.publicity.services import objection_file

                objection, _code = objection_file(entry=entry, name="甲", contact="c", text="t", ip="10.1.1.1")
            decide = client.post(f"{STAFF}/objections/{objection.pk}/decide", {"outcome": "upheld", "note": "x"},
                                 content_type="application/json")
            assert client.get(f"{STAFF}/objections/").json()["count"] == 0
        assert (publish.status_code, close.status_code, decide.status_code) == (404, 404, 404)

    def test_closing_early_is_409_and_on_time_200(self, client, tree, entry):
        _as(client, tree["unit_clerk"])
        with at("2024-10-09T23:59:59+08:00"):
            early = client.post(f"{STAFF}/batches/{entry.batch_id}/close")
        with at("2024-10-10T00:00:00+08:00"):
            on_time = client.post(f"{STAFF}/batches/{entry.batch_id}/close")
        assert early.status_code == 409 and early.json()["code"] == "publicity_not_over"
        assert on_time.status_code == 200 and on_time.json()["closed"] == [entry.dossier_id]

    @pytest.mark.parametrize("path", ["/batches/", "/objections/", "/candidates/"])
    def test_anonymous_refused(self, client, path):
        assert client.get(f"{STAFF}{path}").status_code == 401
