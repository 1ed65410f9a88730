"""Where an organisation stands against the campaign's account reset (§六(八)), and whether a user must re-set."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from zhicheng.accounts.models import Membership, Organisation, OrganisationKind, Role
from zhicheng.accounts.selectors import organisation_role_gaps
from zhicheng.campaigns.selectors import campaign_current
from zhicheng.core.permissions import ALLOW, Decision

from .models import PasswordSet, RolesReconfirmation
from .rules import ResetState, opening_decision

RESET_KINDS = (OrganisationKind.OFFICE, OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY, OrganisationKind.UNIT)


def _last_set(user_ids) -> dict[int, dt.datetime]:
    rows = PasswordSet.objects.filter(user_id__in=user_ids).values("user_id").annotate(last=Max("at"))
    return {r["user_id"]: r["last"] for r in rows}


def staff_pending(organisation, reset_at: dt.datetime) -> list:
    """Active staff (every role but applicant) without a password set at or after the reset instant."""
    members = Membership.objects.filter(organisation=organisation, is_active=True, user__is_active=True).exclude(
        role=Role.APPLICANT).select_related("user")
    users = {m.user_id: m.user for m in members}
    last = _last_set(users)
    return [u for pk, u in sorted(users.items()) if last.get(pk) is None or last[pk] < reset_at]


def reset_state(organisation, now: dt.datetime, campaign=None) -> ResetState:
    campaign = campaign or campaign_current()
    if campaign is None or organisation.kind not in RESET_KINDS:
        return ResetState(reset_at=None, now=now)
    reset_at = campaign.account_reset_at
    if now < reset_at:
        return ResetState(reset_at=reset_at, now=now)
    confirmation = RolesReconfirmation.objects.filter(campaign=campaign, organisation=organisation,
                                                      confirmed_at__gte=reset_at).first()
    return ResetState(
        reset_at=reset_at, now=now,
        staff_pending=tuple(u.real_name or u.username for u in staff_pending(organisation, reset_at)),
        missing_roles=tuple(str(Role(r).label) for r in organisation_role_gaps(organisation)),
        reconfirmed_at=confirmation.confirmed_at if confirmation else None,
    )


def opening_check(*, organisation, kind: str, now: dt.datetime) -> Decision:
    """Registered in accounts.hooks: an applicant account waits for its organisation's reset steps; a unit's
    (or agency's) first account waits for the steps of the body above, whose admin opens it."""
    if kind != "unit":
        return opening_decision(reset_state(organisation, now))
    if organisation.kind not in (OrganisationKind.UNIT, OrganisationKind.AGENCY):
        return ALLOW
    opener = organisation.parent
    if opener is not None and opener.kind in RESET_KINDS:
        return opening_decision(reset_state(opener, now))
    state = reset_state(organisation, now)  # opened by the platform: only the instant itself applies
    return opening_decision(ResetState(reset_at=state.reset_at, now=now)) if state.before else ALLOW


def password_change_required(user, now: dt.datetime) -> bool:
    """For the forced-change flow: a staff member who has not set a password since the campaign's reset."""
    campaign = campaign_current()
    if campaign is None or now < campaign.account_reset_at:
        return False
    if not Membership.objects.filter(user=user, is_active=True).exclude(role=Role.APPLICANT).exists():
        return False
    last = _last_set([user.pk]).get(user.pk)
    return last is None or last < campaign.account_reset_at


def organisations_not_ready(now: dt.datetime, limit: int = 20) -> tuple[int, list[Organisation]]:
    """For the office's dashboard: organisations that have not finished the reset's steps."""
    campaign = campaign_current()
    if campaign is None or now < campaign.account_reset_at:
        return 0, []
    done = set(RolesReconfirmation.objects.filter(campaign=campaign, confirmed_at__gte=campaign.account_reset_at)
               .values_list("organisation_id", flat=True))
    pending = Organisation.objects.filter(kind__in=RESET_KINDS).exclude(pk__in=done).order_by("name")
    return pending.count(), list(pending[:limit])
