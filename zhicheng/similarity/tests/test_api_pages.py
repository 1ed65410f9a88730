"""The API and pages: the office's entry and import, refusals for the applicant and other units, CSRF."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.files.tests.samples import pdf_bytes
from zhicheng.similarity.models import SimilarityResult

pytestmark = pytest.mark.django_db


def _as(user, **kw) -> Client:
    client = Client(**kw)
    login_verified(client, user)
    return client


def _csv(text: str, name: str = "results.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


class TestApi:
    def test_office_puts_and_everyone_who_sees_the_dossier_reads_who_entered(self, tree, dossier, indexed):
        url = f"/api/v1/dossiers/{dossier.pk}/similarity/{indexed.pk}"
        r = _as(tree["office_staff"]).put(url, {"percent": "12.50", "reference_no": "CNKI-7"},
                                           content_type="application/json")
        assert r.status_code == 200, r.content
        body = _as(tree["applicant"]).get(f"/api/v1/dossiers/{dossier.pk}/similarity").json()
        result = body[0]["result"]
        assert result["percent"] == "12.50" and result["source"] == "office"
        assert result["entered_by_organisation"] == tree["office"].name and result["reference_no"] == "CNKI-7"

    @pytest.mark.parametrize(("who", "status"), [("applicant", 403), ("unit_clerk", 403), ("other_clerk", 404)])
    def test_refused(self, tree, dossier, indexed, who, status):
        r = _as(tree[who]).put(f"/api/v1/dossiers/{dossier.pk}/similarity/{indexed.pk}",
                               {"percent": "1.00", "reference_no": "x"}, content_type="application/json")
        assert r.status_code == status and "similarity" not in r.json().get("message", "")
        assert not SimilarityResult.objects.exists()

    @pytest.mark.parametrize("percent", ["100.01", "12.345", "-1"])
    def test_bad_percent_is_a_400_with_the_reason(self, tree, dossier, indexed, percent):
        r = _as(tree["office_staff"]).put(f"/api/v1/dossiers/{dossier.pk}/similarity/{indexed.pk}",
                                           {"percent": percent, "reference_no": "x"}, content_type="application/json")
        assert r.status_code == 400 and "复制比" in r.json()["message"]
        assert not SimilarityResult.objects.exists()

    def test_applicant_cannot_type_it_in_the_dossier_api(self, tree, campaign_draft):
        dossier, applicant = campaign_draft
        r = _as(applicant).post(f"/api/v1/dossiers/{dossier.pk}/sections/achievement", {
            "kind": "paper", "title": "论文", "achieved_on": "2024-05-01", "journal": "公路", "tier": "core",
            "cnki_indexed": True, "similarity_percent": "3.00"}, content_type="application/json")
        assert r.status_code == 400 and "申报人不能填写" in r.json()["message"]


class TestImport:
    def test_good_file_records_every_row(self, tree, dossier, indexed):
        file = _csv(f"论文编号,去除引用文献复制比,检测编号\n{indexed.pk},14.99,CNKI-9\n")
        r = _as(tree["office_staff"]).post("/api/v1/similarity/imports", {"file": file})
        assert r.status_code == 200 and r.json() == {"recorded": 1}
        assert SimilarityResult.objects.get().reference_no == "CNKI-9"

    def test_gbk_csv(self, tree, dossier, indexed):
        file = _csv(f"论文编号,去除引用文献复制比（%）,检测编号\n{indexed.pk},3,CNKI-1\n", encoding="gbk")
        assert _as(tree["office_staff"]).post("/api/v1/similarity/imports", {"file": file}).status_code == 200

    def test_xlsx(self, tree, dossier, indexed):
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["论文编号", "去除引用文献复制比", "检测编号"])
        book.active.append([indexed.pk, 7.25, "CNKI-X"])
        data = io.BytesIO()
        book.save(data)
        file = SimpleUploadedFile("r.xlsx", data.getvalue())
        assert _as(tree["office_staff"]).post("/api/v1/similarity/imports", {"file": file}).status_code == 200
        assert str(SimilarityResult.objects.get().percent) == "7.25"

    def test_one_bad_row_imports_nothing_and_names_the_line(self, tree, dossier, indexed, unindexed):
        file = _csv(f"论文编号,去除引用文献复制比,检测编号\n{indexed.pk},10,CNKI-1\n{indexed.pk},100.5,CNKI-2\n"
                    f"{unindexed.pk},3,CNKI-3\n999999,3,CNKI-4\n")
        r = _as(tree["office_staff"]).post("/api/v1/similarity/imports", {"file": file})
        assert r.status_code == 400
        errors = r.json()["details"]["errors"]
        assert any("第 3 行" in e for e in errors) and any("第 4 行" in e for e in errors)
        assert any("第 5 行" in e for e in errors)
        assert not SimilarityResult.objects.exists()

    def test_missing_column(self, tree):
        r = _as(tree["office_staff"]).post("/api/v1/similarity/imports", {"file": _csv("论文编号,检测编号\n1,x\n")})
        assert r.status_code == 400 and "去除引用文献复制比" in r.json()["message"]

    @pytest.mark.parametrize("who", ["unit_clerk", "applicant", "department_clerk"])
    def test_only_the_office_imports(self, tree, dossier, indexed, who):
        file = _csv(f"论文编号,去除引用文献复制比,检测编号\n{indexed.pk},10,CNKI-1\n")
        assert _as(tree[who]).post("/api/v1/similarity/imports", {"file": file}).status_code == 403
        assert not SimilarityResult.objects.exists()


class TestPages:
    def test_unit_uploads_its_report_and_the_page_shows_who(self, tree, dossier, unindexed):
        client = _as(tree["unit_clerk"])
        report = SimpleUploadedFile("盖章报告单.pdf", pdf_bytes(), content_type="application/pdf")
        r = client.post(f"/similarity/dossiers/{dossier.pk}/papers/{unindexed.pk}/",
                        {"percent": "18.00", "report": report})
        assert r.status_code == 302
        page = _as(tree["applicant"]).get(f"/similarity/dossiers/{dossier.pk}/").content.decode()
        assert "18.00%" in page and tree["unit"].name in page and "盖章报告单.pdf" in page
        assert 'name="percent"' not in page  # the applicant has no form

    def test_post_without_csrf_is_refused(self, tree, dossier, indexed):
        client = _as(tree["office_staff"], enforce_csrf_checks=True)
        r = client.post(f"/similarity/dossiers/{dossier.pk}/papers/{indexed.pk}/",
                        {"percent": "1", "reference_no": "x"})
        assert r.status_code == 403 and not SimilarityResult.objects.exists()

    def test_import_page_lists_the_errors(self, tree, indexed):
        file = _csv(f"论文编号,去除引用文献复制比,检测编号\n{indexed.pk},101,CNKI-1\n")
        page = _as(tree["office_staff"]).post("/similarity/import/", {"file": file}).content.decode()
        assert "第 2 行" in page and not SimilarityResult.objects.exists()

    def test_import_page_refused_to_a_unit(self, tree):
        assert _as(tree["unit_clerk"]).get("/similarity/import/").status_code == 403
