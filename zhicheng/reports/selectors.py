"""Reading exports: a user's own requests (nobody else's, whatever their role)."""

from __future__ import annotations

from django.db.models import QuerySet

from zhicheng.core.errors import NotFound

from .models import Export
from .permissions import id_or_none


def exports_of(user) -> QuerySet[Export]:
    if not getattr(user, "is_authenticated", False):
        return Export.objects.none()
    return Export.objects.filter(requested_by_id=user.pk).order_by("-created_at", "-id")


def export_get_for(user, pk) -> Export:
    pk = id_or_none(pk)
    export = exports_of(user).filter(pk=pk).first() if pk else None
    if export is None:
        raise NotFound("not_found", "导出文件不存在或无权查看", "Export not found")
    return export
