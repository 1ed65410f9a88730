"""API of the notice board: public list and detail (no log-in), publishing, an attachment, withdrawing (office staff).

A notice is published with JSON; its attachments are added one by one as multipart (`file`), the same checks as the
page (inspected by content, only the office's own staff).
"""

from __future__ import annotations

import datetime as dt

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhicheng.accounts.models import Organisation
from zhicheng.core.errors import NotFound
from zhicheng.core.http import client_ip
from zhicheng.core.pagination import Pagination

from . import selectors, services

public_router = Router(tags=["noticeboard"], auth=None)
router = Router(tags=["noticeboard"])


class AttachmentOut(Schema):
    id: int
    file_name: str
    file_kind: str
    file_size: int
    file_sha256: str
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/notices/{obj.notice_id}/files/{obj.pk}/"


class NoticeOut(Schema):
    id: int
    office_id: int
    office_name: str
    category: str
    category_label: str
    title: str
    body: str
    published_at: dt.datetime
    withdrawn_at: dt.datetime | None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_office_name(obj) -> str:
        return obj.office.name

    @staticmethod
    def resolve_category_label(obj) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class NoticeIn(Schema):
    office_id: int
    category: str
    title: str
    body: str = ""


@public_router.get("/notices/", response=list[NoticeOut])
@paginate(Pagination, page_size=20)
def notice_list(request, office: int | None = None, category: str = ""):
    return selectors.notices_public(office_id=office, category=category)


@public_router.get("/notices/{notice_id}", response=NoticeOut)
def notice_detail(request, notice_id: int):
    return selectors.notice_public_get(notice_id)


@router.post("/", response={201: NoticeOut})
def notice_create(request, payload: NoticeIn):
    office = Organisation.objects.filter(pk=payload.office_id).first()
    if office is None:
        raise NotFound("not_found", "机构不存在", "Organisation not found")
    notice = services.notice_publish(actor=request.auth, office=office, title=payload.title,
                                     category=payload.category, body=payload.body, ip=client_ip(request))
    return Status(201, selectors.notices_managed_by(request.auth).get(pk=notice.pk))


@router.post("/attachments", response={201: AttachmentOut})
def notice_attachment_add(request, notice_id: Form[int], file: UploadedFile = File(...)):  # noqa: B008 - ninja's style
    """One attachment (multipart: `notice_id`, `file`) to a notice of the caller's office."""
    notice = selectors.notice_managed_get(request.auth, notice_id)
    return Status(201, services.notice_attach(actor=request.auth, notice=notice, upload=file, ip=client_ip(request)))


@router.post("/{notice_id}/withdraw", response=NoticeOut)
def notice_withdraw(request, notice_id: int):
    notice = selectors.notice_managed_get(request.auth, notice_id)
    services.notice_withdraw(actor=request.auth, notice=notice, ip=client_ip(request))
    return selectors.notices_managed_by(request.auth).get(pk=notice_id)
