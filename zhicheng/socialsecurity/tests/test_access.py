"""Who sees what: the office all, a department its units, a unit its own; 404 outside; fixed query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.socialsecurity.services import contribution_import_create

from .conftest import bureau_rows, csv_text, months, submitted_dossier

pytestmark = pytest.mark.django_db
API = "/api/v1/socialsecurity"


@pytest.fixture
def checked(campaign, tree):
    """Three dossiers in two departments, each checked: one passing, one failing, one with a mismatch."""
    near = submitted_dossier(tree["applicant"], campaign, declared_months=months("2024-04", 6))
    near_failing = submitted_dossier(tree["other_applicant"], campaign, declared_months=months("2024-05", 5))
    far = submitted_dossier(tree["far_applicant"], campaign, declared_months=months("2024-03", 7))
    rows = (bureau_rows(tree["applicant"], tree["unit"], months("2024-04", 6))
            + bureau_rows(tree["other_applicant"], tree["unit"], months("2024-05", 5))
            + bureau_rows(tree["far_applicant"], tree["far_unit"], months("2024-04", 6)))
    row = contribution_import_create(campaign=campaign, upload=SimpleUploadedFile("s.csv", csv_text(rows).encode()),
                                     actor=tree["office_staff"])
    return {"near": near, "near_failing": near_failing, "far": far, "import": row}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["dossier_id"] for item in response.json()["items"]}


class TestCheckList:
    def test_office_sees_all_and_filters(self, client, tree, checked):
        login_verified(client, tree["office_staff"])
        assert ids(client.get(f"{API}/checks")) == {checked[k].pk for k in ("near", "near_failing", "far")}
        assert ids(client.get(f"{API}/checks?only=failing")) == {checked["near_failing"].pk}
        assert ids(client.get(f"{API}/checks?only=mismatch")) == {checked["far"].pk}

    def test_department_sees_only_its_units(self, client, tree, checked):
        login_verified(client, tree["department_clerk"])
        assert ids(client.get(f"{API}/checks")) == {checked["near"].pk, checked["near_failing"].pk}
        login_verified(client, tree["far_clerk"])
        assert ids(client.get(f"{API}/checks")) == {checked["far"].pk}

    def test_unit_clerk_sees_its_own_and_another_unit_nothing(self, client, tree, checked):
        login_verified(client, tree["unit_clerk"])
        assert ids(client.get(f"{API}/checks")) == {checked["near"].pk, checked["near_failing"].pk}
        login_verified(client, tree["other_clerk"])
        assert ids(client.get(f"{API}/checks")) == set()

    def test_dossier_outside_reach_is_404(self, client, tree, checked):
        login_verified(client, tree["department_clerk"])
        assert client.get(f"{API}/dossiers/{checked['far'].pk}/check").status_code == 404
        response = client.get(f"{API}/dossiers/{checked['near'].pk}/check")
        assert response.status_code == 200 and response.json()["socsec_ok"] is True

    def test_applicant_and_anonymous_refused(self, client, tree, checked):
        assert client.get(f"{API}/checks").status_code == 401
        login_verified(client, tree["applicant"])
        assert client.get(f"{API}/checks").status_code == 403

    def test_query_count_does_not_grow_with_rows(self, client, tree, checked, campaign,
                                                 django_assert_max_num_queries):
        login_verified(client, tree["department_clerk"])
        client.get(f"{API}/checks")  # warm the session and role caches
        with django_assert_max_num_queries(10):  # −2: session, user, device in one
            assert len(ids(client.get(f"{API}/checks"))) == 2
        six = months("2024-04", 6)
        more = [submitted_dossier(u, campaign, declared_months=six) for u in _extra_applicants(tree, 3)]
        rows = [r for d in more for r in bureau_rows(d.applicant, tree["unit"], months("2024-04", 6))]
        contribution_import_create(campaign=campaign, upload=SimpleUploadedFile("m.csv", csv_text(rows).encode()),
                                   actor=tree["office_staff"])
        with django_assert_max_num_queries(10):
            assert len(ids(client.get(f"{API}/checks"))) == 5

    def test_page_lists_with_filters(self, client, tree, checked):
        login_verified(client, tree["department_clerk"])
        page = client.get(reverse("socialsecurity:checks") + "?only=failing")
        assert page.status_code == 200
        text = page.content.decode()
        assert tree["other_applicant"].real_name in text and tree["applicant"].real_name not in text


def _extra_applicants(tree, n):
    from zhicheng.accounts.models import Role
    from zhicheng.accounts.tests.factories import member

    return [member(tree["unit"], Role.APPLICANT) for _ in range(n)]


class TestImportEndpoints:
    def test_office_reads_status_and_errors(self, client, tree, checked):
        login_verified(client, tree["office_staff"])
        body = client.get(f"{API}/imports/{checked['import'].pk}").json()
        assert (body["status"], body["rows_ok"], body["rows_bad"], body["dossiers_matched"]) == ("done", 17, 0, 3)
        errors = client.get(f"{API}/imports/{checked['import'].pk}/errors").json()
        assert errors["count"] == 0 and errors["items"] == []
        assert client.get(f"{API}/imports").json()["count"] == 1

    @pytest.mark.parametrize("who", ["department_clerk", "unit_clerk", "applicant"])
    def test_others_cannot_read_imports(self, client, tree, checked, who):
        login_verified(client, tree[who])
        assert client.get(f"{API}/imports/{checked['import'].pk}").status_code == 403
        assert client.get(f"{API}/imports").status_code == 403

    def test_pages_for_the_office_and_refusal_for_a_department(self, client, tree, checked):
        login_verified(client, tree["office_staff"])
        assert client.get(reverse("socialsecurity:imports")).status_code == 200
        assert client.get(reverse("socialsecurity:import_detail", args=[checked["import"].pk])).status_code == 200
        login_verified(client, tree["department_clerk"])
        assert client.get(reverse("socialsecurity:imports")).status_code == 403
