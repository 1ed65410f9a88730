"""Pages: the public list and forms work without log-in and show no private data; staff pages keep their reach."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.tests.factories import at
from zhicheng.files.tests.samples import pdf_bytes
from zhicheng.publicity.models import Objection, PublicityEntry

from .factories import passed_dossier, published

pytestmark = pytest.mark.django_db
ID_OR_PHONE = re.compile(r"\d{17}[\dXx]|1[3-9]\d{9}")
DURING = "2024-10-08T10:00:00+08:00"


@pytest.fixture
def entry(tree, passed):
    published(tree["unit_clerk"], [passed], "2024-09-27")
    return PublicityEntry.objects.select_related("batch").get(dossier=passed)


class TestPublicPages:
    def test_the_list_shows_name_and_title_without_id_or_phone(self, client, tree, entry):
        with at(DURING):
            response = client.get("/public/publicity/")
        html = response.content.decode()
        assert response.status_code == 200 and tree["applicant"].real_name in html and "高级工程师" in html
        assert tree["applicant"].id_number not in html and tree["applicant"].phone not in html
        assert not ID_OR_PHONE.search(html)

    def test_file_an_objection_with_a_pdf_then_look_up_the_outcome(self, tree, entry):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        with at(DURING):
            form = client.get(f"/public/publicity/{entry.pk}/objection/", {"form": "1"}, headers={"HX-Request": "true"})
            assert 'name="csrfmiddlewaretoken"' in form.content.decode() and "no-store" in form["Cache-Control"]
            token = client.cookies["csrftoken"].value
            upload = SimpleUploadedFile("举报材料.pdf", pdf_bytes(), content_type="application/pdf")
            response = client.post(f"/public/publicity/{entry.pk}/objection/", {
                "name": "赵六", "contact": "zhao@example.com", "text": "业绩不实", "file": upload,
                "csrfmiddlewaretoken": token,
            })
            assert response.status_code == 200
            code = re.search(r"<strong>([A-Z0-9-]{14})</strong>", response.content.decode()).group(1)
            assert Objection.objects.get().file_kind == "pdf"
            lookup = client.post("/public/publicity/lookup/", {"code": code.lower(), "csrfmiddlewaretoken": token})
        assert "待处理" in lookup.content.decode()

    def test_the_public_pages_are_cacheable_and_set_no_cookie(self, entry, django_assert_max_num_queries):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        with at(DURING):
            for path in ("/public/publicity/", f"/public/publicity/{entry.pk}/objection/"):
                with django_assert_max_num_queries(3):
                    response = client.get(path)
                assert response.status_code == 200 and not response.cookies, path  # no session, no CSRF cookie
                assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
                assert "Cookie" not in response.get("Vary", "") and response["ETag"]
                assert "csrfmiddlewaretoken" not in response.content.decode()
                again = client.get(path, headers={"If-None-Match": response["ETag"]})
                assert again.status_code == 304 and not again.content
            assert 'hx-get="?form=1"' in response.content.decode()  # the form, and its token, when opened

    def test_the_list_is_built_once_per_max_age_and_language(self, client, tree, entry, campaign,
                                                             django_assert_max_num_queries):
        from django.core.cache import cache

        other = passed_dossier(tree["other_applicant"], campaign)
        with at(DURING):
            first = client.get("/public/publicity/")
            published(tree["unit_clerk"], [other], "2024-10-08", now=DURING)
            with django_assert_max_num_queries(0):  # kept by the server as long as any cache may keep it
                kept = client.get("/public/publicity/")
            english = client.get("/public/publicity/", headers={"Accept-Language": "en"})
            cache.clear()  # what the max-age's end does
            fresh = client.get("/public/publicity/")
        name = tree["other_applicant"].real_name
        assert kept.content == first.content and name not in kept.content.decode()
        assert "public" in kept["Cache-Control"] and kept["ETag"] == first["ETag"]
        assert english.content != first.content and name in english.content.decode()
        assert name in fresh.content.decode()

    def test_the_api_list_is_counted_and_read_once_per_max_age(self, client, tree, entry, campaign):
        from django.core.cache import cache

        other = passed_dossier(tree["other_applicant"], campaign)
        with at(DURING):
            first = client.get("/api/v1/public/publicity/").json()
            published(tree["unit_clerk"], [other], "2024-10-08", now=DURING)
            kept = client.get("/api/v1/public/publicity/").json()
            cache.clear()  # what the max-age's end does
            fresh = client.get("/api/v1/public/publicity/").json()
        assert first["count"] == kept["count"] == 1 and kept["items"] == first["items"]
        assert fresh["count"] == 2 and tree["other_applicant"].real_name in {row["name"] for row in fresh["items"]}

    def test_a_forged_objection_without_the_csrf_token_is_refused(self, entry):
        from django.test import Client

        with at(DURING):
            response = Client(enforce_csrf_checks=True).post(
                f"/public/publicity/{entry.pk}/objection/", {"name": "a", "contact": "b", "text": "c"}
            )
        assert "页面已过期" in response.content.decode() and not Objection.objects.exists()

    def test_an_objection_after_the_period_is_refused_on_the_page(self, client, entry):
        with at("2024-10-10T00:00:00+08:00"):
            response = client.post(f"/public/publicity/{entry.pk}/objection/",
                                   {"name": "a", "contact": "b", "text": "c"})
        assert "公示期已过" in response.content.decode() and not Objection.objects.exists()

    def test_an_ended_publicity_stays_listed_without_the_objection_link(self, client, entry):
        with at("2024-10-10T08:00:00+08:00"):
            html = client.get("/public/publicity/").content.decode()
        assert "公示已结束" in html and f"/public/publicity/{entry.pk}/objection/" not in html

    def test_a_wrong_code_says_so(self, client, entry):
        response = client.post("/public/publicity/lookup/", {"code": "AAAA-BBBB-CCCC"})
        assert "查询码不正确" in response.content.decode()


class TestStaffPages:
    @pytest.mark.parametrize("path", ["/publicity/", "/publicity/publish/", "/publicity/objections/"])
    def test_anonymous_sent_to_log_in(self, client, path):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login" in response["Location"]

    def test_publish_with_a_preview(self, client, tree, passed):
        login_verified(client, tree["unit_clerk"])
        with at("2024-10-08T09:00:00+08:00"):
            assert passed.applicant.real_name in client.get("/publicity/publish/").content.decode()
            data = {"dossier": [passed.pk], "starts_on": "2024-10-08"}
            preview = client.post("/publicity/publish/", {**data, "action": "preview"})
            assert "2024年10月12日" in preview.content.decode()
            assert Dossier.objects.get(pk=passed.pk).state == DossierState.UNIT_PASSED
            done = client.post("/publicity/publish/", {**data, "action": "publish"})
        assert done.status_code == 302 and Dossier.objects.get(pk=passed.pk).state == DossierState.IN_PUBLICITY

    def test_a_clerk_of_another_unit_gets_404(self, client, tree, entry, passed):
        with at(DURING):
            from zhicheng.publicity.services import objection_file

            objection, _code = objection_file(entry=entry, name="甲", contact="c", text="t", ip="10.1.1.1")
            login_verified(client, tree["other_clerk"])
            batch = client.get(f"/publicity/{entry.batch_id}/")
            decide = client.post(f"/publicity/objections/{objection.pk}/", {"outcome": "upheld", "note": "x"})
            publish = client.post("/publicity/publish/", {"dossier": [passed.pk], "starts_on": "2024-10-08",
                                                          "action": "publish"})
        assert (batch.status_code, decide.status_code, publish.status_code) == (404, 404, 404)
        assert Objection.objects.get().status == "open"

    def test_decide_on_the_page_then_close(self, client, tree, entry, passed):
        with at(DURING):
            from zhicheng.publicity.services import objection_file

            objection, _code = objection_file(entry=entry, name="甲", contact="c", text="t", ip="10.1.1.1")
        login_verified(client, tree["unit_leader"])
        with at("2024-10-10T08:00:00+08:00"):
            client.post(f"/publicity/objections/{objection.pk}/", {"outcome": "dismissed", "note": "查无实据"})
            client.post(f"/publicity/{entry.batch_id}/close/")
        assert Dossier.objects.get(pk=passed.pk).state == DossierState.PUBLICITY_DONE

    def test_lists_in_a_fixed_number_of_queries(self, client, tree, campaign, django_assert_max_num_queries):
        dossiers = [passed_dossier(tree["applicant"], campaign), passed_dossier(tree["other_applicant"], campaign)]
        published(tree["unit_clerk"], dossiers, "2024-10-08")
        login_verified(client, tree["unit_clerk"])
        batch_id = dossiers[0].publicity_entries.get().batch_id
        for path in ("/publicity/", "/publicity/objections/", f"/publicity/{batch_id}/"):
            with at("2024-10-09T10:00:00+08:00"), django_assert_max_num_queries(23):
                assert client.get(path).status_code == 200


def test_staff_owing_their_second_factor_still_reach_the_public_pages(client, tree, entry):
    client.force_login(tree["unit_clerk"])  # logged in, TOTP not yet entered
    with at(DURING):
        assert client.get("/publicity/").status_code == 302  # the staff pages want the second factor
        assert client.get("/public/publicity/").status_code == 200
        assert client.get(f"/public/publicity/{entry.pk}/objection/").status_code == 200


class TestObjectionFiles:
    @pytest.fixture
    def with_file(self, entry):
        import io

        from zhicheng.publicity.services import objection_file

        upload = io.BytesIO(pdf_bytes())
        upload.name = "证据.pdf"
        with at(DURING):
            objection, _code = objection_file(
                entry=entry, name="甲", contact="c", text="t", upload=upload, ip="10.1.1.2"
            )
        return objection

    def test_the_unit_downloads_it_another_unit_gets_404(self, client, tree, with_file):
        login_verified(client, tree["unit_clerk"])
        response = client.get(f"/publicity/objections/{with_file.pk}/file/")
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
        assert "no-store" in response["Cache-Control"]
        login_verified(client, tree["other_clerk"])
        assert client.get(f"/publicity/objections/{with_file.pk}/file/").status_code == 404

    def test_anonymous_cannot_download_it(self, client, with_file):
        assert client.get(f"/publicity/objections/{with_file.pk}/file/").status_code == 302

    def test_an_oversize_file_is_refused_before_it_is_read(self, client, campaign, entry):
        campaign.evidence_file_max_mb = 1
        campaign.save(update_fields=["evidence_file_max_mb"])
        big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024), content_type="application/pdf")
        with at(DURING):
            response = client.post(f"/public/publicity/{entry.pk}/objection/",
                                   {"name": "a", "contact": "b", "text": "c", "file": big})
        assert "超过单个文件上限 1 MB" in response.content.decode() and not Objection.objects.exists()
