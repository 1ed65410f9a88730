"""The applicant's dossier pages and the reviewer's read view, as a person in a browser would use them."""

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import member
from zhicheng.catalog.tests.helpers import logged_in_client
from zhicheng.dossiers import services
from zhicheng.dossiers.models import Dossier, DossierVersion, EducationRecord, PledgeSignature
from zhicheng.files.tests import samples as files

from .factories import PASSWORD, dossier_for, engineering, signed, valid_row

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def me(applicant):
    return _client(applicant)


def _education(dossier, applicant):
    return services.section_item_create(dossier=dossier, actor=applicant, section="education",
                                        data=valid_row("education"))


def _submitted(dossier, applicant):
    signed(dossier, applicant)
    return services.dossier_submit(dossier=dossier, actor=applicant)


def _page_urls(dossier, item) -> list[str]:
    pk = dossier.pk
    return [
        reverse("dossiers:detail", args=[pk]), reverse("dossiers:section", args=[pk, "education"]),
        reverse("dossiers:pledge", args=[pk]), reverse("dossiers:withdraw", args=[pk]),
        reverse("dossiers:diff", args=[pk, 1, 1]),
    ]


def _post_urls(dossier, item) -> list[str]:
    pk = dossier.pk
    return [
        reverse("dossiers:item_save", args=[pk, "education", item.pk]),
        reverse("dossiers:item_delete", args=[pk, "education", item.pk]),
        reverse("dossiers:submit", args=[pk]), reverse("dossiers:pledge", args=[pk]),
    ]


class TestApplicantJourney:
    def test_start_add_sign_submit(self, campaign, applicant, me, inside_window):
        start = me.get(reverse("dossiers:mine")).content.decode()
        assert "开始申报" in start and "2024年10月10日 24:00" in start
        series, level = engineering()
        response = me.post(reverse("dossiers:mine"), {
            "series": series.pk, "level": level.pk, "specialty": "", "scope": "province", "category": "normal",
        })
        assert response.status_code == 302
        dossier = Dossier.objects.get(applicant=applicant)
        page = me.get(reverse("dossiers:mine")).content.decode()
        assert "草稿" in page and "学历" in page and "未签署" in page
        assert "有不符合项" in page or "信息不完整" in page  # an empty dossier is checked at once

        url = reverse("dossiers:section", args=[dossier.pk, "education"])
        assert me.post(url, valid_row("education")).status_code == 302
        assert "兰州大学" in me.get(url).content.decode()

        response = me.post(reverse("dossiers:pledge", args=[dossier.pk]), {"password": "wrong"})
        assert "登录密码不正确" in response.content.decode()
        response = me.post(reverse("dossiers:pledge", args=[dossier.pk]), {"password": PASSWORD})
        assert response.status_code == 302
        assert PledgeSignature.objects.get(dossier=dossier).user_agent is not None
        assert "已签署" in me.get(reverse("dossiers:mine")).content.decode()

        response = me.post(reverse("dossiers:submit", args=[dossier.pk]), follow=True)
        assert "申报材料已提交" in response.content.decode()
        dossier.refresh_from_db()
        assert dossier.state == "submitted" and dossier.versions.count() == 1

    def test_identity_is_one_form(self, dossier, applicant, me):
        from .factories import VALID_IDENTITY

        url = reverse("dossiers:section", args=[dossier.pk, "identity"])
        assert me.post(url, {**VALID_IDENTITY, "phone": ""}).status_code == 400
        assert me.post(url, VALID_IDENTITY).status_code == 302
        content = me.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
        assert "13800000000" in content and applicant.real_name in content

    def test_field_error_in_chinese_and_nothing_saved(self, dossier, me):
        url = reverse("dossiers:section", args=[dossier.pk, "education"])
        response = me.post(url, valid_row("education", start="2004-09-01", end="2000-07-01"))
        assert response.status_code == 400
        content = response.content.decode()
        assert "毕业时间不能早于入学时间" in content
        assert 'value="兰州大学"' in content  # the input is kept
        assert not EducationRecord.objects.filter(dossier=dossier).exists()

    def test_an_edit_asks_for_the_pledge_again(self, dossier, applicant, me):
        item = _education(dossier, applicant)
        signed(dossier, applicant)
        assert "已签署" in me.get(reverse("dossiers:mine")).content.decode()
        url = reverse("dossiers:item_save", args=[dossier.pk, "education", item.pk])
        assert me.post(url, valid_row("education", school="西北师范大学")).status_code == 302
        page = me.get(reverse("dossiers:mine")).content.decode()
        assert "须重新签署诚信承诺书" in page
        response = me.post(reverse("dossiers:submit", args=[dossier.pk]), follow=True)
        assert "请先阅读并签署诚信承诺书，再提交" in response.content.decode()  # the edit voided the pledge
        assert Dossier.objects.get(pk=dossier.pk).state == "draft"

    def test_submit_after_the_window_is_refused_with_a_message(self, dossier, applicant):
        from .factories import at

        signed(dossier, applicant)
        with at("2024-10-11T00:00:00+08:00"):
            response = _client(applicant).post(reverse("dossiers:submit", args=[dossier.pk]), follow=True)
        assert "个人申报已截止" in response.content.decode()

    def test_withdraw_with_a_reason(self, dossier, applicant, me):
        _submitted(dossier, applicant)
        url = reverse("dossiers:withdraw", args=[dossier.pk])
        assert me.post(url, {"reason": ""}).status_code == 400  # a reason is required
        assert me.post(url, {"reason": "材料需要补充"}).status_code == 302
        dossier.refresh_from_db()
        assert dossier.state == "draft" and dossier.withdraw_reason == "材料需要补充"  # the window is open

    def test_delete_a_row(self, dossier, applicant, me):
        item = _education(dossier, applicant)
        me.post(reverse("dossiers:item_delete", args=[dossier.pk, "education", item.pk]))
        assert not EducationRecord.objects.filter(pk=item.pk).exists()

    def test_upload_form_posts_to_the_evidence_view(self, dossier, applicant, me):
        item = _education(dossier, applicant)
        content = me.get(reverse("dossiers:section", args=[dossier.pk, "education"])).content.decode()
        assert f'action="/evidence/dossiers/{dossier.pk}/education/"' in content
        assert 'enctype="multipart/form-data"' in content and f'name="item_id" value="{item.pk}"' in content

    def test_uploaded_file_is_listed_with_download_and_preview_links(self, dossier, applicant, me, settings, tmp_path):
        settings.MEDIA_ROOT = str(tmp_path / "media")
        settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
        item = _education(dossier, applicant)
        section = reverse("dossiers:section", args=[dossier.pk, "education"])
        response = me.post(reverse("evidence:upload", args=[dossier.pk, "education"]), {
            "file": SimpleUploadedFile("学历证书.pdf", files.pdf_bytes()), "item_id": item.pk, "next": section,
        }, follow=True)
        assert response.redirect_chain[-1][0] == section
        file = dossier.evidence_files.get()
        for url in (section, reverse("dossiers:detail", args=[dossier.pk])):
            content = me.get(url).content.decode()
            assert "学历证书.pdf" in content
            assert reverse("evidence:download", args=[file.pk]) in content
            assert reverse("evidence:preview_frame", args=[file.pk]) in content  # asks for the preview when shown
        assert "佐证材料" in me.get(reverse("dossiers:mine")).content.decode()


class TestAutosave:
    def test_htmx_request_gets_the_row_form_only(self, dossier, applicant, me):
        item = _education(dossier, applicant)
        url = reverse("dossiers:item_save", args=[dossier.pk, "education", item.pk])
        response = me.post(url, valid_row("education", major="桥梁工程"), HTTP_HX_REQUEST="true")
        content = response.content.decode()
        assert response.status_code == 200 and "<html" not in content
        assert f'id="row-education-{item.pk}"' in content and "已自动保存" in content
        item.refresh_from_db()
        assert item.major == "桥梁工程"

    def test_htmx_refusal_shows_the_error_in_the_fragment(self, dossier, applicant, me):
        item = _education(dossier, applicant)
        url = reverse("dossiers:item_save", args=[dossier.pk, "education", item.pk])
        response = me.post(url, valid_row("education", end="1990-01-01"), HTTP_HX_REQUEST="true")
        assert "毕业时间不能早于入学时间" in response.content.decode()
        item.refresh_from_db()
        assert item.end.year == 2004

    def test_edit_forms_carry_the_autosave_trigger(self, dossier, applicant, me):
        _education(dossier, applicant)
        content = me.get(reverse("dossiers:section", args=[dossier.pk, "education"])).content.decode()
        assert 'hx-trigger="change delay:800ms"' in content


class TestWhoSeesWhat:
    def test_anonymous_is_sent_to_login(self, dossier, applicant):
        item = _education(dossier, applicant)
        client = Client()
        for url in [reverse("dossiers:mine"), reverse("dossiers:list"), *_page_urls(dossier, item)]:
            response = client.get(url)
            assert response.status_code == 302 and "login" in response["Location"], url
        for url in _post_urls(dossier, item):
            assert client.post(url).status_code == 302, url

    def test_another_applicant_gets_404_everywhere(self, dossier, applicant, tree):
        item = _education(dossier, applicant)
        _submitted(dossier, applicant)
        other = _client(tree["other_applicant"])
        for url in _page_urls(dossier, item):
            assert other.get(url).status_code == 404, url
        for url in _post_urls(dossier, item):
            assert other.post(url).status_code == 404, url
        assert reverse("dossiers:detail", args=[dossier.pk]) not in other.get(reverse("dossiers:list")).content.decode()

    def test_a_clerk_of_another_unit_gets_404(self, dossier, applicant, tree):
        item = _education(dossier, applicant)
        _submitted(dossier, applicant)
        clerk = logged_in_client(tree["other_clerk"])
        for url in _page_urls(dossier, item):
            assert clerk.get(url).status_code == 404, url

    def test_the_units_reviewer_sees_submitted_not_draft(self, dossier, applicant, tree):
        _education(dossier, applicant)
        clerk = logged_in_client(tree["unit_clerk"])
        assert clerk.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 404
        _submitted(dossier, applicant)
        content = clerk.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
        assert "兰州大学" in content and "已提交" in content
        assert "提交至单位审核" not in content and "撤回" not in content
        section = clerk.get(reverse("dossiers:section", args=[dossier.pk, "education"])).content.decode()
        assert "兰州大学" in section and "hx-post" not in section  # read-only
        listed = clerk.get(reverse("dossiers:list")).content.decode()
        assert reverse("dossiers:detail", args=[dossier.pk]) in listed

    def test_reviewer_cannot_change_a_submitted_dossier(self, dossier, applicant, tree):
        item = _education(dossier, applicant)
        _submitted(dossier, applicant)
        clerk = logged_in_client(tree["unit_clerk"])
        url = reverse("dossiers:item_save", args=[dossier.pk, "education", item.pk])
        clerk.post(url, valid_row("education", school="别的学校"))
        item.refresh_from_db()
        assert item.school == "兰州大学"


class TestVersions:
    def test_diff_between_two_versions_is_a_table(self, dossier, applicant, me):
        item = _education(dossier, applicant)
        _submitted(dossier, applicant)
        services.dossier_withdraw(dossier=dossier, actor=applicant, reason="补充")
        # a dossier withdrawn to a draft keeps its versions; the diff of a version with itself is empty
        content = me.get(reverse("dossiers:diff", args=[dossier.pk, 1, 1])).content.decode()
        assert "两个版本内容相同" in content
        assert me.get(reverse("dossiers:diff", args=[dossier.pk, 1, 2])).status_code == 404
        first = dossier.versions.get()
        snapshot = copy.deepcopy(first.snapshot)
        snapshot["sections"]["education"][0]["school"] = "西北师范大学"
        DossierVersion.objects.create(dossier=dossier, number=2, snapshot=snapshot, sha256="0" * 64,
                                      created_by=applicant, created_at=first.created_at)
        content = me.get(reverse("dossiers:diff", args=[dossier.pk, 1, 2])).content.decode()
        assert "<td>学历</td>" in content and "<td>毕业院校</td>" in content
        assert "兰州大学" in content and "西北师范大学" in content
        assert str(item.pk) in content
        assert reverse("dossiers:diff", args=[dossier.pk, 1, 2]) in me.get(
            reverse("dossiers:detail", args=[dossier.pk])).content.decode()


class TestList:
    def test_query_count_does_not_grow_with_the_rows(self, campaign, tree, inside_window):
        clerk = logged_in_client(tree["unit_clerk"])

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert clerk.get(reverse("dossiers:list")).status_code == 200
            return len(ctx.captured_queries)

        def one_more():
            person = member(tree["unit"], Role.APPLICANT)
            _submitted(dossier_for(person, campaign), person)

        one_more()
        count()  # the first request after log-in renews the session
        few = count()
        for _ in range(4):
            one_more()
        assert count() == few


def test_menu_links_applicants_and_reviewers_to_their_pages(tree):
    applicant_menu = _client(tree["applicant"]).get(reverse("web:dashboard")).content.decode()
    assert reverse("dossiers:mine") in applicant_menu and "我的申报" in applicant_menu
    clerk_menu = logged_in_client(tree["unit_clerk"]).get(reverse("web:dashboard")).content.decode()
    assert reverse("dossiers:list") in clerk_menu and reverse("dossiers:mine") not in clerk_menu
