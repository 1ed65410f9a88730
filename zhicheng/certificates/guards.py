"""The workflow guards certificates owns: the title document confers, a recorded revocation revokes."""

from __future__ import annotations

from zhicheng.core.permissions import ALLOW, Decision
from zhicheng.dossiers.guards import GuardContext, guard_register, refuse

from .models import Certificate


@guard_register("title_document_approved")
def title_document_approved(ctx: GuardContext) -> Decision:
    """The dossier is listed on a title document the office approved (only title_document_approve confers)."""
    if Certificate.objects.filter(dossier_id=ctx.dossier.pk).exists():
        return ALLOW
    return refuse("no_title_document", "该人员未列入已审批的职称资格文件",
                  "The person is on no approved title document")


@guard_register("revocation_recorded")
def revocation_recorded(ctx: GuardContext) -> Decision:
    """A revocation (decision document, reason) is recorded on the dossier's certificate (§七(三))."""
    if Certificate.objects.filter(dossier_id=ctx.dossier.pk, revoked_at__isnull=False).exclude(
            revoke_document="").exists():
        return ALLOW
    return refuse("no_revocation", "未登记撤销决定，不能撤销职称", "No revocation decision is recorded")
