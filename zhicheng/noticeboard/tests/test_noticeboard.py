"""The notice board: the office's staff publish notices with files; anyone reads them; applicants see the latest."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import OrganisationFactory, login_verified, member, org_tree
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import PermissionDenied
from zhicheng.files.models import StoredFile
from zhicheng.files.tests.samples import pdf_bytes
from zhicheng.noticeboard.models import Notice, NoticeAttachment
from zhicheng.noticeboard.services import notice_publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def tree(db):
    t = org_tree()
    t["staff"] = member(t["office"], Role.OFFICE_STAFF)
    t["other_office"] = OrganisationFactory(name="另一职改办", kind=OrganisationKind.OFFICE, credit_code=None,
                                            unit_type="")
    t["other_staff"] = member(t["other_office"], Role.OFFICE_STAFF)
    t["clerk"] = member(t["office"], Role.REVIEW_CLERK)
    t["applicant"] = member(t["unit"], Role.APPLICANT)
    return t


def pdf(name="操作手册.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def publish(tree, title="关于做好 2024 年度职称评审工作的通知", files=(), office=None, actor=None, category="policy"):
    return notice_publish(actor=actor or tree["staff"], office=office or tree["office"], title=title,
                          category=category, body="各单位：\n现将有关事项通知如下。", uploads=list(files))


def as_(user, **kwargs):
    client = Client(**kwargs)
    login_verified(client, user)
    return client


def test_publish_with_attachments_then_anyone_reads_and_downloads(tree):
    notice = publish(tree, files=[pdf(), pdf("申报表.pdf")])
    assert [a.file_name for a in notice.attachments.all()] == ["操作手册.pdf", "申报表.pdf"]
    assert StoredFile.objects.count() == 2
    assert AuditEvent.objects.filter(event_type="noticeboard.published").count() == 1
    anonymous = Client()
    page = anonymous.get("/notices/")
    assert page.status_code == 200 and notice.title in page.content.decode()
    assert "public" in page["Cache-Control"] and "max-age=300" in page["Cache-Control"]
    detail = anonymous.get(f"/notices/{notice.pk}/").content.decode()
    attachment = notice.attachments.first()
    assert "操作手册.pdf" in detail and f"/notices/{notice.pk}/files/{attachment.pk}/" in detail
    download = anonymous.get(f"/notices/{notice.pk}/files/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_logged_in_readers_get_a_private_page(tree):
    publish(tree)
    response = as_(tree["applicant"]).get("/notices/")
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_public_list_is_paginated_and_filtered(tree, django_assert_max_num_queries):
    for i in range(23):
        publish(tree, title=f"通知 {i:02d}", category="notice" if i % 2 else "manual")
    client = Client()
    with django_assert_max_num_queries(6):
        first = client.get("/notices/").content.decode()
    assert "通知 22" in first and "通知 02" not in first and "第 1 / 2 页" in first
    assert "通知 02" in client.get("/notices/", {"page": 2}).content.decode()
    manuals = client.get("/notices/", {"category": "manual"}).content.decode()
    assert "通知 22" in manuals and "通知 21" not in manuals


def test_a_withdrawn_notice_and_its_files_are_gone_from_the_public(tree):
    notice = publish(tree, files=[pdf()])
    attachment = notice.attachments.get()
    response = as_(tree["staff"]).post(f"/notices/manage/{notice.pk}/withdraw/")
    assert response.status_code == 302
    client = Client()
    assert notice.title not in client.get("/notices/").content.decode()
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/notices/{notice.pk}/files/{attachment.pk}/").status_code == 404
    assert client.get(f"/api/v1/public/notices/{notice.pk}").status_code == 404


@pytest.mark.parametrize("who", ["other_staff", "clerk", "applicant"])
def test_only_the_offices_own_staff_publish(tree, who):
    with pytest.raises(PermissionDenied):
        publish(tree, actor=tree[who])
    assert not Notice.objects.exists()


def test_page_publish_with_csrf_and_files(tree):
    client = as_(tree["staff"], enforce_csrf_checks=True)
    page = client.get("/notices/manage/")
    token = page.cookies["csrftoken"].value
    body = {"office": tree["office"].pk, "category": "form", "title": "职称申报表（2024）", "body": "",
            "files": [pdf("申报表.pdf")]}
    assert client.post("/notices/manage/publish/", body).status_code == 403  # no token
    assert not Notice.objects.exists()
    body["files"] = [pdf("申报表.pdf")]
    response = client.post("/notices/manage/publish/", {**body, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.category == "form" and notice.attachments.get().file_name == "申报表.pdf"


def test_page_publish_for_another_office_refused(tree):
    response = as_(tree["staff"]).post("/notices/manage/publish/", {
        "office": tree["other_office"].pk, "category": "notice", "title": "冒名通知"}, follow=True)
    assert response.redirect_chain[-1][0] == "/notices/manage/"  # back to the form, the reason above it
    assert "仅本职改办的工作人员可以发布本机构的通知公告" in response.content.decode()
    assert not Notice.objects.exists()


def test_other_office_cannot_withdraw_or_see_the_management_of_ours(tree):
    notice = publish(tree)
    assert as_(tree["other_staff"]).post(f"/notices/manage/{notice.pk}/withdraw/").status_code == 404
    assert Notice.objects.get().withdrawn_at is None
    page = as_(tree["other_staff"]).get("/notices/manage/").content.decode()
    assert notice.title not in page
    assert as_(tree["applicant"]).get("/notices/manage/").status_code == 403


@pytest.mark.parametrize(("title", "upload", "code"), [
    ("", None, "required"), ("题" * 201, None, "too_long"),
    ("有附件", SimpleUploadedFile("表格.pdf", b"PK\x03\x04 a docx really"), "file"),
])
def test_bad_input_refused_nothing_saved(tree, title, upload, code):
    response = as_(tree["staff"]).post("/notices/manage/publish/", {
        "office": tree["office"].pk, "category": "notice", "title": title, **({"files": [upload]} if upload else {})})
    assert response.status_code == 302  # back to the form with the reason flashed
    assert not Notice.objects.exists() and not NoticeAttachment.objects.exists() and not StoredFile.objects.exists()


def test_api_list_detail_publish_attach_withdraw(tree):
    notice = publish(tree)
    listing = Client().get("/api/v1/public/notices/").json()
    assert listing["count"] == 1 and listing["items"][0]["title"] == notice.title
    client = as_(tree["staff"], enforce_csrf_checks=True)
    created = client.post("/api/v1/notices/", {"office_id": tree["office"].pk, "category": "manual",
                                               "title": "系统操作手册"}, content_type="application/json")
    assert created.status_code == 403 and Notice.objects.count() == 1  # a session write needs the CSRF token
    token = client.get("/notices/manage/").cookies["csrftoken"].value
    created = client.post("/api/v1/notices/", {"office_id": tree["office"].pk, "category": "manual",
                                               "title": "系统操作手册"}, content_type="application/json",
                          HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201, created.content
    new_id = created.json()["id"]
    added = client.post("/api/v1/notices/attachments", {"notice_id": new_id, "file": pdf("手册.pdf")},
                        HTTP_X_CSRFTOKEN=token)
    assert added.status_code == 201 and added.json()["file_kind"] == "pdf"
    detail = Client().get(f"/api/v1/public/notices/{new_id}").json()
    assert detail["category_label"] == "操作手册" and detail["attachments"][0]["file_name"] == "手册.pdf"
    withdrawn = client.post(f"/api/v1/notices/{new_id}/withdraw", HTTP_X_CSRFTOKEN=token)
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]


def test_api_other_office_denied(tree):
    notice = publish(tree)
    client = as_(tree["other_staff"])
    denied = client.post("/api/v1/notices/", {"office_id": tree["office"].pk, "category": "notice", "title": "冒名"},
                         content_type="application/json")
    assert denied.status_code == 403 and Notice.objects.count() == 1
    assert client.post(f"/api/v1/notices/{notice.pk}/withdraw").status_code == 404
    assert client.post("/api/v1/notices/attachments", {"notice_id": notice.pk, "file": pdf()}).status_code == 404
    assert Notice.objects.get().withdrawn_at is None and not NoticeAttachment.objects.exists()


def test_applicant_dashboard_shows_the_latest_of_their_office(tree):
    ours = [publish(tree, title=f"本区通知 {i}") for i in range(6)]
    publish(tree, title="外区通知", office=tree["other_office"], actor=tree["other_staff"])
    html = as_(tree["applicant"]).get("/").content.decode()
    assert "最新通知公告" in html and ours[-1].title in html and ours[0].title not in html  # the latest 5
    assert "外区通知" not in html
