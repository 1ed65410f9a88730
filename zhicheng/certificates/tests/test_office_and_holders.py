"""Revocation (§七(三)) with the 3-year bar the eligibility engine reads; downloads (holder's own, the office's ZIP);
the national register export; the office's and holder's pages and API with CSRF enforced."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.test import Client

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.certificates.models import RevocationReason
from zhicheng.certificates.services import certificate_revoke, register_export
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.dossiers.models import DossierState
from zhicheng.dossiers.tests.factories import at
from zhicheng.eligibility.models import IntegrityBar

from .helpers import closed, issued, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(tree, result, other_result):
    document = issued(tree, [result, other_result])
    return document, document.certificates.get(dossier=result), document.certificates.get(dossier=other_result)


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    login_verified(client, user)
    client.get("/public/certificates/")
    return client


class TestRevocation:
    def test_revoking_records_the_decision_moves_the_dossier_and_bars_three_years(self, tree, two):
        _doc, cert, _other = two
        with at("2025-03-01T10:00:00+08:00"):
            certificate_revoke(actor=tree["office_leader"], certificate=cert, reason=RevocationReason.FRAUD,
                               decision_document="新组发〔2025〕3号", note="论文抄袭")
        cert.refresh_from_db()
        cert.dossier.refresh_from_db()
        assert cert.revoked_at is not None and cert.dossier.state == DossierState.REVOKED
        bar = IntegrityBar.objects.get(user=cert.holder)
        assert (bar.starts_on, bar.ends_on) == (dt.date(2025, 3, 1), dt.date(2028, 3, 1))
        assert bar.source == "新组发〔2025〕3号"

    def test_the_eligibility_engine_reads_the_bar(self, tree, two):
        from zhicheng.eligibility.selectors import dossier_facts

        _doc, cert, _other = two
        with at("2025-03-01T10:00:00+08:00"):
            certificate_revoke(actor=tree["office_leader"], certificate=cert, reason=RevocationReason.FRAUD,
                               decision_document="新组发〔2025〕3号")
        assert dossier_facts(cert.dossier).applicant.integrity_bar_until == dt.date(2028, 3, 1)
        assert dossier_facts(_other.dossier).applicant.integrity_bar_until is None

    def test_only_the_offices_leader_revokes(self, tree, two):
        _doc, cert, _other = two
        for who in ("office_staff", "unit_leader"):
            with pytest.raises(PermissionDenied):
                certificate_revoke(actor=tree[who], certificate=cert, reason=RevocationReason.FRAUD,
                                   decision_document="x")

    def test_the_decision_document_and_a_known_reason_are_required(self, tree, two):
        _doc, cert, _other = two
        with pytest.raises(ApplicationError):
            certificate_revoke(actor=tree["office_leader"], certificate=cert, reason="fraud", decision_document=" ")
        with pytest.raises(ApplicationError):
            certificate_revoke(actor=tree["office_leader"], certificate=cert, reason="bored", decision_document="x")
        cert.refresh_from_db()
        assert cert.revoked_at is None

    def test_twice_is_refused(self, tree, two):
        _doc, cert, _other = two
        certificate_revoke(actor=tree["office_leader"], certificate=cert, reason="fraud", decision_document="x1")
        with pytest.raises(ApplicationError) as refused:
            certificate_revoke(actor=tree["office_leader"], certificate=cert, reason="fraud", decision_document="x2")
        assert refused.value.code == "already_revoked"

    def test_by_the_api_with_csrf(self, tree, two):
        _doc, cert, _other = two
        client = _csrf_client(tree["office_leader"])
        url = f"/api/v1/certificates/{cert.pk}/revoke"
        body = {"reason": "fraud", "decision_document": "新组发〔2025〕3号"}
        assert client.post(url, body, content_type="application/json").status_code == 403  # no CSRF token
        response = client.post(url, body, content_type="application/json",
                               HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
        assert response.status_code == 200 and response.json()["revoked_at"]


class TestDownloads:
    def test_the_holder_downloads_their_own(self, tree, two):
        _doc, cert, _other = two
        client = Client()
        client.force_login(tree["applicant"])
        response = client.get(f"/certificates/mine/{cert.pk}/pdf/")
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
        assert client.get(f"/api/v1/certificates/mine/{cert.pk}/pdf").status_code == 200
        assert "20240502" in client.get("/certificates/mine/").content.decode()

    def test_a_holder_cannot_download_another_holders_certificate(self, tree, two):
        _doc, _cert, other = two
        client = Client()
        client.force_login(tree["applicant"])
        assert client.get(f"/certificates/mine/{other.pk}/pdf/").status_code == 404
        assert client.get(f"/api/v1/certificates/mine/{other.pk}/pdf").status_code == 404

    def test_the_office_downloads_the_batch_as_a_zip(self, tree, two):
        document, cert, other = two
        client = Client()
        login_verified(client, tree["office_staff"])
        response = client.get(f"/certificates/documents/{document.pk}/zip/")
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert f"{cert.number}-王建国.pdf" in names and f"{other.number}-李秀英.pdf" in names
        assert f"{document.number}.pdf" in names

    def test_another_organisation_cannot_read_the_document(self, tree, two):
        document, _cert, _other = two
        client = Client()
        login_verified(client, tree["unit_leader"])
        assert client.get(f"/certificates/documents/{document.pk}/zip/").status_code in (403, 404)
        assert client.get(f"/api/v1/certificates/documents/{document.pk}/zip").status_code == 404


class TestRegisterExport:
    def test_csv_one_row_per_title_with_the_four_digit_code(self, tree, two):
        _doc, cert, _other = two
        export = register_export(actor=tree["office_staff"], office=tree["office"], year=2024, fmt="csv")
        rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
        assert rows[0][:2] == ["职称代码", "职称名称"] and len(rows) == 3
        assert rows[1][0] == "0502" and rows[1][1] == "高级工程师" and cert.holder.id_number in rows[1]

    def test_xlsx(self, tree, two):
        from openpyxl import load_workbook

        export = register_export(actor=tree["office_staff"], office=tree["office"], year=2024, fmt="xlsx")
        sheet = load_workbook(io.BytesIO(export.data)).active
        assert sheet.max_row == 3 and sheet["A2"].value == "0502"

    def test_a_unit_cannot_export(self, tree, two):
        client = Client()
        login_verified(client, tree["unit_leader"])
        assert client.get("/api/v1/certificates/register", {"year": 2024}).status_code == 404


class TestOfficePages:
    def test_publish_close_approve_issue_through_the_pages_with_csrf(self, tree, result):
        staff, leader = _csrf_client(tree["office_staff"]), _csrf_client(tree["office_leader"])
        with at("2024-12-20T09:00:00+08:00"):
            response = staff.post("/publicity/results/", {
                "starts_on": "2024-12-23", "dossier": [result.pk],
                "csrfmiddlewaretoken": staff.cookies["csrftoken"].value})
        assert response.status_code == 302
        result.refresh_from_db()
        assert result.state == DossierState.IN_RESULT_PUBLICITY
        closed(tree, result.publicity_entries.get().batch)
        with at("2024-12-30T10:00:00+08:00"):
            response = leader.post("/certificates/documents/", {
                "number": "新组发〔2024〕30号", "issued_on": "2024-12-30", "dossier": [result.pk],
                "csrfmiddlewaretoken": leader.cookies["csrftoken"].value})
        assert response.status_code == 302
        document_url = response["Location"]
        leader = _csrf_client(tree["office_leader"])  # the session's idle clock ran under the 2024 clock above
        response = leader.post(document_url + "issue/", {"csrfmiddlewaretoken": leader.cookies["csrftoken"].value})
        assert response.status_code == 302
        page = leader.get(document_url)
        assert page.status_code == 200, page
        page = page.content.decode()
        assert "已签发" in page and "王建国" in page

    def test_the_document_page_is_refused_before_the_end(self, tree, result):
        published(tree, [result])
        leader = _csrf_client(tree["office_leader"])
        response = leader.get("/certificates/documents/")
        assert response.status_code == 200 and "王建国" not in response.content.decode()

    def test_an_applicant_cannot_open_the_office_pages(self, tree):
        client = Client()
        client.force_login(tree["applicant"])
        assert client.get("/certificates/documents/").status_code == 403
