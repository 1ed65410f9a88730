"""The admin's re-confirmation of the three real-name roles after the reset (§六(八)), audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhicheng.accounts.models import Membership, Role
from zhicheng.accounts.permissions import is_org_admin
from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.campaigns.selectors import campaign_current
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import require

from .models import RolesReconfirmation
from .rules import reconfirm_decision
from .selectors import reset_state

THREE = (Role.ORG_ADMIN, Role.REVIEW_CLERK, Role.REVIEW_LEADER)


def roles_reconfirm(*, actor, organisation, ip: str | None = None) -> RolesReconfirmation:
    require(is_org_admin(actor, organisation))
    now = timezone.now()
    campaign = campaign_current()
    require(reconfirm_decision(reset_state(organisation, now, campaign)), "reconfirm_refused")
    members = {role: sorted(Membership.objects.filter(organisation=organisation, role=role, is_active=True)
                            .values_list("user__real_name", flat=True)) for role in THREE}
    try:
        with transaction.atomic():
            row, _created = RolesReconfirmation.objects.update_or_create(
                campaign=campaign, organisation=organisation,
                defaults={"confirmed_by": actor, "confirmed_at": now, "members": members})
            audit_event_record(event_type=EventType.ORGANISATION_ROLES_RECONFIRMED, actor=actor,
                               organisation=organisation, obj=organisation, ip=ip,
                               data={"campaign": campaign.year, "members": members})
    except IntegrityError as exc:  # a second admin confirming at the same moment
        raise ApplicationError("reconfirm_conflict", "其他管理员刚刚完成了确认，请刷新", "Already confirmed; reload",
                               status=409) from exc
    return row
