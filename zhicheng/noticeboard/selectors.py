"""Reading the notice board: the public list and detail, the latest for an applicant, the office's own list."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from zhicheng.accounts.models import Membership
from zhicheng.core.errors import NotFound
from zhicheng.dossiers.holders import title_office_of

from .models import Notice, NoticeAttachment
from .permissions import publishing_offices


def _with_files(qs: QuerySet[Notice]) -> QuerySet[Notice]:
    return qs.select_related("office").prefetch_related(
        Prefetch("attachments", NoticeAttachment.objects.order_by("id")))


def notices_public(*, office_id: int | None = None, category: str = "") -> QuerySet[Notice]:
    """Published notices nobody withdrew, newest first (anonymous)."""
    qs = Notice.objects.filter(withdrawn_at__isnull=True)
    if office_id:
        qs = qs.filter(office_id=office_id)
    if category:
        qs = qs.filter(category=category)
    return _with_files(qs).order_by("-published_at", "-id")


def notice_public_get(pk: int) -> Notice:
    notice = notices_public().filter(pk=pk).first()
    if notice is None:
        raise NotFound("not_found", "通知公告不存在或已撤下", "Notice not found")
    return notice


def notice_attachment_public_get(notice_pk: int, attachment_pk: int) -> NoticeAttachment:
    attachment = NoticeAttachment.objects.filter(pk=attachment_pk, notice_id=notice_pk,
                                                 notice__withdrawn_at__isnull=True).first()
    if attachment is None:
        raise NotFound("not_found", "附件不存在", "Attachment not found")
    return attachment


def notices_latest_for(user, *, limit: int = 5) -> list[Notice]:
    """The latest notices of the title office(s) above the user's organisations (the applicant's dashboard)."""
    memberships = Membership.objects.filter(user_id=user.pk, is_active=True).select_related(
        "organisation__parent__parent__parent")
    offices = {office.pk for m in memberships if (office := title_office_of(m.organisation)) is not None}
    if not offices:
        return []
    return list(notices_public().filter(office_id__in=offices)[:limit])


def notices_managed_by(user) -> QuerySet[Notice]:
    """Every notice (withdrawn ones too) of the offices where the user publishes."""
    return _with_files(Notice.objects.filter(office__in=publishing_offices(user))).select_related(
        "published_by", "withdrawn_by").order_by("-published_at", "-id")


def notice_managed_get(user, pk: int) -> Notice:
    notice = notices_managed_by(user).filter(pk=pk).first()
    if notice is None:
        raise NotFound("not_found", "通知公告不存在或无权管理", "Notice not found")
    return notice
